package com.motioness.edge;

import com.motioness.edge.config.LogSettings;
import com.motioness.edge.config.WebhookSettings;
import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.redis.RedisBackend;
import com.motioness.edge.ring.RingSlot;
import com.motioness.edge.webhook.AddressGuard;
import com.motioness.edge.webhook.DeadLetterStore;
import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.client.WebhookClient;
import com.motioness.edge.webhook.dispatch.DispatcherParts;
import com.motioness.edge.webhook.dispatch.DispatcherSettings;
import com.motioness.edge.webhook.dispatch.RetrySchedule;
import com.motioness.edge.webhook.dispatch.WebhookDispatcher;
import com.motioness.edge.webhook.store.MemoryDeadLetterStore;
import com.motioness.edge.webhook.store.MemoryEndpointStore;
import com.motioness.edge.webhook.store.RedisDeadLetterStore;
import com.motioness.edge.webhook.store.RedisEndpointStore;
import com.motioness.edge.webhook.store.TargetPolicy;
import com.motioness.edge.webhook.store.WebhookEndpoints;
import com.motioness.protocol.redis.RedisKeys;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The webhook part of one edge ({@code --webhooks}): the endpoint and dead-letter stores (memory, or
 * Redis beside the log), the target policy, the HTTP client, the dispatcher and the registry the API
 * calls. Built after the log, since every attempt is recorded through it; closed before it.
 */
final class EdgeWebhooks implements AutoCloseable {
    /**
     * Kept-alive connections per receiving origin. Several endpoints may share one origin (a
     * customer's one host for all its projects), each allowed {@code --webhook-max-in-flight}: 16
     * connections for all of them made attempts wait for a connection, and under a burst fail
     * {@code POOL_FULL} (2,536 of 10,000 at 1,000 events/s over 100 endpoints on one origin).
     */
    private static final int CONNECTIONS_PER_ORIGIN = 64;

    private final RedisBackend redis;
    private final EndpointStore endpoints;
    private final DeadLetterStore deadLetters;
    private final WebhookClient client;
    private final WebhookDispatcher dispatcher;
    private final WebhookEndpoints registry;

    private EdgeWebhooks(
            RedisBackend redis,
            EndpointStore endpoints,
            DeadLetterStore deadLetters,
            WebhookClient client,
            WebhookDispatcher dispatcher,
            WebhookEndpoints registry) {
        this.redis = redis;
        this.endpoints = endpoints;
        this.deadLetters = deadLetters;
        this.client = client;
        this.dispatcher = dispatcher;
        this.registry = registry;
    }

    /** Starts the dispatcher on {@code log}: on the embedded log, events come through {@link #take}. */
    static EdgeWebhooks start(
            WebhookSettings settings, LogSettings logSettings, EventLog log, PrometheusRegistry metrics) {
        TargetPolicy policy = new TargetPolicy(settings.allowHttp(), settings.allowPrivate());
        RedisBackend redis = null;
        EndpointStore endpoints = null;
        DeadLetterStore deadLetters = null;
        WebhookClient client = null;
        WebhookDispatcher dispatcher = null;
        try {
            RedisKeys keys = null;
            if (logSettings.redis() != null) {
                redis = RedisBackend.connect(logSettings.redis());
                redis.openAllNodes();
                keys = new RedisKeys(logSettings.redisPrefix(), logSettings.redisShards());
                endpoints = new RedisEndpointStore(
                        redis, logSettings.redis(), logSettings.redisPrefix(), logSettings.redisShards());
                deadLetters = new RedisDeadLetterStore(redis, logSettings.redisPrefix(), logSettings.redisShards());
            } else {
                endpoints = new MemoryEndpointStore();
                deadLetters = new MemoryDeadLetterStore();
            }
            // The address guard at connect time, beside the policy's check at registration: a name
            // that resolved to a public address then may resolve to an internal one now.
            AddressGuard guard = settings.allowPrivate() ? AddressGuard.ALLOW_ALL : policy;
            client = new WebhookClient(
                    1,
                    guard,
                    WebhookClient.defaultSslContext(),
                    Math.max(CONNECTIONS_PER_ORIGIN, settings.maxInFlight()),
                    WebhookClient.DEFAULT_IDLE);
            DispatcherParts parts =
                    new DispatcherParts(log, endpoints, deadLetters, client, Clock.systemUTC(), metrics);
            DispatcherSettings dispatch = dispatcherSettings(settings);
            dispatcher = redis == null
                    ? WebhookDispatcher.embedded(parts, dispatch)
                    : WebhookDispatcher.redis(redis, keys, parts, dispatch);
            dispatcher.start();
            WebhookEndpoints registry = WebhookEndpoints.builder(
                            endpoints, deadLetters, dispatcher.redelivery(), policy)
                    .rotationGrace(settings.secretGrace())
                    .build();
            return new EdgeWebhooks(redis, endpoints, deadLetters, client, dispatcher, registry);
        } catch (RuntimeException | Error e) {
            closeAll(dispatcher, client, endpoints, deadLetters, redis);
            throw e;
        }
    }

    private static DispatcherSettings dispatcherSettings(WebhookSettings settings) {
        DispatcherSettings defaults = DispatcherSettings.defaults(new RetrySchedule(
                settings.retrySchedule(),
                RetrySchedule.DEFAULT_JITTER,
                () -> ThreadLocalRandom.current().nextDouble()));
        return new DispatcherSettings(
                defaults.schedule(),
                settings.timeout(),
                DispatcherSettings.leaseFor(settings.timeout()),
                settings.poll(),
                defaults.claimBatch(),
                settings.maxInFlight(),
                defaults.breakerThreshold(),
                settings.park(),
                settings.park().multipliedBy(60),
                defaults.autoclaimIdle(),
                defaults.intakeCapacity(),
                defaults.closeWait());
    }

    /** An event of the embedded log as the ring's consumer holds it, before the slot is cleared; never blocks. */
    void take(RingSlot slot) {
        dispatcher.offer(slot);
    }

    /** Whether events come through {@link #take} (the embedded log) rather than the Redis firehose. */
    boolean takesFromRing() {
        return redis == null;
    }

    /** The registry behind {@code /internal/projects/{id}/webhooks}. */
    WebhookEndpoints registry() {
        return registry;
    }

    /** Stops taking events, waits a bound for attempts in flight, then releases the rest. */
    @Override
    public void close() {
        registry.close();
        closeAll(dispatcher, client, endpoints, deadLetters, redis);
    }

    private static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                // Each part closes on its own; one failing must not keep the others open.
                org.slf4j.LoggerFactory.getLogger(EdgeWebhooks.class).warn("closing {}: {}", part, e.toString());
            }
        }
    }
}
