package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.webhook.AttemptResult;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The dispatcher's metrics, {@code motioness_webhook_*}, in the registry of the node's admin port.
 * Counted off the SSE delivery path (an attempt is a network round trip), so the client's own
 * thread-safe metrics are used directly.
 */
public final class WebhookMetrics {
    private static final double[] SECONDS_BUCKETS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200
    };

    private final Counter attempts;
    private final Histogram attemptSeconds;
    private final Histogram eventToDeliverySeconds;
    private final Counter deadLetters;
    private final Counter jobsDropped;
    private final Counter deferred;

    /** Registers the counted metrics into {@code registry}; the sampled ones come with {@link #sampled}. */
    public WebhookMetrics(PrometheusRegistry registry) {
        attempts = Counter.builder()
                .name("motioness_webhook_attempts_total")
                .help("Webhook attempts by outcome: delivered, or the failure's class")
                .labelNames("outcome")
                .register(registry);
        attemptSeconds = Histogram.builder()
                .name("motioness_webhook_attempt_seconds")
                .help("Time from sending an attempt to its outcome")
                .classicUpperBounds(SECONDS_BUCKETS)
                .register(registry);
        eventToDeliverySeconds = Histogram.builder()
                .name("motioness_webhook_event_to_delivery_seconds")
                .help("Time from an event's id (its log time) to the 2xx of its delivery")
                .classicUpperBounds(SECONDS_BUCKETS)
                .register(registry);
        deadLetters = Counter.builder()
                .name("motioness_webhook_dead_letters_total")
                .help("Deliveries dead-lettered after their last attempt or while their endpoint was parked")
                .register(registry);
        jobsDropped = Counter.builder()
                .name("motioness_webhook_jobs_dropped_total")
                .help("Jobs dropped unsent because their endpoint was deleted or disabled")
                .register(registry);
        deferred = Counter.builder()
                .name("motioness_webhook_deferred_total")
                .help("Jobs put off without spending an attempt, by reason: in_flight (the endpoint's bound), parked"
                        + " (its circuit breaker), not_made (the client's own backpressure or shutdown), endpoints"
                        + " (its endpoints could not be read)")
                .labelNames("reason")
                .register(registry);
        this.registry = registry;
    }

    private final PrometheusRegistry registry;

    /**
     * Registers the metrics read at scrape time.
     *
     * @param pending jobs held, due or leased, as last sampled
     * @param due jobs waiting for a retry, as last sampled
     * @param parked endpoints parked by this process's breakers
     * @param inFlight attempts this process has sent and not yet seen end, as last sampled
     * @param intakeDropped events the embedded intake dropped
     * @param groupLag per shard, the consumer group's lag as last sampled; null in embedded mode
     */
    void sampled(
            LongSupplier pending,
            LongSupplier due,
            LongSupplier parked,
            LongSupplier inFlight,
            LongSupplier intakeDropped,
            Supplier<long[]> groupLag) {
        GaugeWithCallback.builder()
                .name("motioness_webhook_jobs_pending")
                .help("Webhook jobs not yet delivered nor dead-lettered, due or in flight")
                .callback(callback -> callback.call(pending.getAsLong()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("motioness_webhook_retries_due")
                .help("Webhook jobs waiting for their next attempt")
                .callback(callback -> callback.call(due.getAsLong()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("motioness_webhook_endpoints_parked")
                .help("Endpoints this process's circuit breakers hold parked")
                .callback(callback -> callback.call(parked.getAsLong()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("motioness_webhook_attempts_in_flight")
                .help("Attempts this process has sent and not yet seen end, over all endpoints")
                .callback(callback -> callback.call(inFlight.getAsLong()))
                .register(registry);
        CounterWithCallback.builder()
                .name("motioness_webhook_intake_dropped_total")
                .help("Events the embedded dispatcher dropped because its intake queue was full")
                .callback(callback -> callback.call(intakeDropped.getAsLong()))
                .register(registry);
        if (groupLag != null) {
            GaugeWithCallback.builder()
                    .name("motioness_webhook_group_lag")
                    .help("Firehose entries not yet read by the webhooks consumer group, per shard")
                    .labelNames("shard")
                    .callback(callback -> {
                        long[] lags = groupLag.get();
                        for (int shard = 0; shard < lags.length; shard++) {
                            callback.call(lags[shard], Integer.toString(shard));
                        }
                    })
                    .register(registry);
        }
    }

    void attempt(AttemptResult result, long eventMs, long nowMs) {
        attempts.labelValues(outcomeOf(result)).inc();
        attemptSeconds.observe(result.latencyNanos() / 1e9);
        if (result.delivered()) {
            eventToDeliverySeconds.observe(Math.max(0, nowMs - eventMs) / 1e3);
        }
    }

    void deadLetter() {
        deadLetters.inc();
    }

    /** A job put off without an attempt: {@code in_flight}, {@code parked}, {@code not_made} or {@code endpoints}. */
    void deferred(String reason) {
        deferred.labelValues(reason).inc();
    }

    void dropped() {
        jobsDropped.inc();
    }

    /** The class of an outcome, a label of few values whatever the status or error. */
    static String outcomeOf(AttemptResult result) {
        String code = result.errorCode();
        if (code == null) {
            return "delivered";
        }
        if (code.startsWith("HTTP_4")) {
            return "http_4xx";
        }
        if (code.startsWith("HTTP_5")) {
            return "http_5xx";
        }
        return switch (code) {
            case "TIMEOUT", "CONNECT_TIMEOUT" -> "timeout";
            case "CONNECT_REFUSED", "CONNECTION_RESET", "DNS", "BLOCKED_ADDRESS" -> "connect";
            case "TLS" -> "tls";
            default -> "other";
        };
    }
}
