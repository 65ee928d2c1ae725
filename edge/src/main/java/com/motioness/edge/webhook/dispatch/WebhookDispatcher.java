package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.LogUnavailableException;
import com.motioness.edge.log.redis.RedisBackend;
import com.motioness.edge.ring.RingEvent;
import com.motioness.edge.ring.RingSlot;
import com.motioness.edge.webhook.AttemptResult;
import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.DeadLetterStore;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.edge.webhook.WebhookRequest;
import com.motioness.edge.webhook.WebhookSender;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.IdempotencyKeyReusedException;
import com.motioness.protocol.StoredBatch;
import com.motioness.protocol.redis.RedisKeys;
import com.motioness.protocol.webhook.WebhookSignature;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a project's events to its endpoints: takes events in (the ring in embedded mode, the
 * firehose's consumer group in Redis mode), makes one job per receiving endpoint, sends attempts
 * through the {@link WebhookSender}, records each attempt as {@code webhook_*} events through the
 * log's ingest path, and retries, parks, holds or dead-letters as the schedule and the breakers say.
 *
 * <p>One thread of its own decides everything (breakers, in-flight counts, which job goes now);
 * outcomes arriving on other threads hop back to it. The log, the queue and the stores are only
 * written after an outcome, in order: the events first, then the dead letter, then the job's new
 * state. A crash anywhere in between leaves the job leased, so it is attempted again after its lease
 * (under the same {@code webhook-id}, and its events' idempotency keys keep them from doubling).
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** How long a job over its endpoint's in-flight bound waits before it is looked at again. */
    private static final long BOUND_WAIT_MS = 5;
    /** How long a job waits when its endpoints cannot be listed (the store is away). */
    private static final long STORE_WAIT_MS = 1000;
    /** Longest wait for the log to answer an append: a Redis command times out after 2 s, a reload of its library after 4. */
    private static final long APPEND_WAIT_MS = 10_000;

    /**
     * How long an attempt may run before its {@code webhook_dispatched} is appended on its own; one
     * that ends sooner has it appended with its outcome, in one write.
     */
    static final long DISPATCHED_ALONE_AFTER_MS = 250;

    /** How often the oldest running attempts are looked at: a slow one's dispatched goes 250 to 300 ms in. */
    private static final long SLOW_CHECK_MS = 50;

    private static final long SAMPLE_MS = 1000;
    private static final CompletableFuture<Boolean> FALSE = CompletableFuture.completedFuture(false);

    private final EventLog log;
    private final EndpointCache endpoints;
    private final DeadLetterStore deadLetters;
    private final WebhookSender sender;
    private final DispatcherSettings settings;
    private final Clock clock;
    private final JobQueue queue;
    private final WebhookMetrics metrics;
    private final RingIntake ringIntake;
    private final List<FirehoseIntake> firehoseIntakes = new ArrayList<>();
    private final GroupLag groupLag;
    private final ScheduledThreadPoolExecutor thread;

    /** Per endpoint id, on the dispatcher's thread. */
    private final Map<String, EndpointBreaker> breakers = new HashMap<>();
    /** Per endpoint id, on the dispatcher's thread. */
    private final Map<String, Integer> inFlight = new HashMap<>();
    /**
     * Attempts in the order they started, until they end or reach {@link #DISPATCHED_ALONE_AFTER_MS}:
     * every attempt waits the same time, so one look at the oldest every {@link #SLOW_CHECK_MS}
     * does what a timer per attempt would, without scheduling and cancelling one at each delivery.
     */
    private final ArrayDeque<Attempt> running = new ArrayDeque<>();
    /** Jobs between claim (or intake) and their new state stored: close() waits for them. */
    private final AtomicInteger working = new AtomicInteger();

    private volatile boolean stopping;
    private volatile boolean crashed;
    private boolean claiming;
    private volatile long sampledPending;
    private volatile long sampledDue;
    private volatile int parked;
    private volatile long sampledInFlight;

    private WebhookDispatcher(
            DispatcherParts parts, DispatcherSettings settings, JobQueue queue, boolean embedded, GroupLag groupLag) {
        this.log = parts.log();
        this.endpoints = new EndpointCache(parts.endpoints());
        this.deadLetters = parts.deadLetters();
        this.sender = parts.sender();
        this.settings = settings;
        this.clock = parts.clock();
        this.queue = queue;
        this.groupLag = groupLag;
        this.thread = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, "motioness-webhooks");
            t.setDaemon(true);
            return t;
        });
        this.ringIntake = embedded ? new RingIntake(settings.intakeCapacity(), this::wakeForIntake) : null;
        this.metrics = new WebhookMetrics(parts.registry());
        metrics.sampled(
                () -> sampledPending,
                () -> sampledDue,
                () -> parked,
                () -> sampledInFlight,
                () -> ringIntake == null ? 0 : ringIntake.dropped(),
                groupLag == null ? null : groupLag::lags);
    }

    /**
     * A dispatcher of the embedded mode: jobs in memory, <b>not durable</b> (a restart loses the
     * deliveries not yet made, as the embedded log loses its events); events come through
     * {@link #offer(RingEvent)}.
     */
    public static WebhookDispatcher embedded(DispatcherParts parts, DispatcherSettings settings) {
        return new WebhookDispatcher(
                parts,
                settings,
                new MemoryJobQueue(parts.clock(), settings.lease().toMillis()),
                true,
                null);
    }

    /**
     * A dispatcher of the Redis mode: one consumer of the group {@code webhooks} on every shard's
     * firehose, jobs in Redis beside each shard, shared with every other dispatcher of the prefix.
     *
     * @param backend the connection to use; its owner closes it after this dispatcher
     */
    public static WebhookDispatcher redis(
            RedisBackend backend, RedisKeys keys, DispatcherParts parts, DispatcherSettings settings) {
        RedisJobQueue queue =
                new RedisJobQueue(backend.async(), keys, settings.lease().toMillis());
        WebhookDispatcher dispatcher =
                new WebhookDispatcher(parts, settings, queue, false, new GroupLag(backend, keys, FirehoseIntake.GROUP));
        String consumer = consumerName();
        for (int shard = 0; shard < keys.shards(); shard++) {
            dispatcher.firehoseIntakes.add(new FirehoseIntake(
                    backend,
                    queue,
                    dispatcher.endpoints,
                    shard,
                    keys.firehose(shard),
                    consumer,
                    settings.autoclaimIdle(),
                    parts.clock(),
                    dispatcher::sendTakenIn));
        }
        return dispatcher;
    }

    /** host-pid-random: unique per process, readable in XINFO CONSUMERS. */
    private static String consumerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        return host
                + '-'
                + ManagementFactory.getRuntimeMXBean().getPid()
                + '-'
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts taking events in and claiming due jobs. */
    public void start() {
        for (FirehoseIntake intake : firehoseIntakes) {
            intake.start();
        }
        long poll = Math.max(1, settings.pollInterval().toMillis());
        thread.scheduleWithFixedDelay(this::claim, poll, poll, TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(this::sample, 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(this::recordSlowAttempts, SLOW_CHECK_MS, SLOW_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /** Appends {@code webhook_dispatched} alone for the attempts running for 250 ms and more. */
    private void recordSlowAttempts() {
        long now = clock.millis();
        for (Attempt oldest = running.peekFirst(); oldest != null; oldest = running.peekFirst()) {
            if (!oldest.ended && now - oldest.startedMs < DISPATCHED_ALONE_AFTER_MS) {
                return;
            }
            running.pollFirst();
            oldest.recordDispatched();
        }
    }

    /**
     * Takes an event from the ring's consumer (embedded mode); never blocks. The event's JSON is
     * shared, not copied: the log never writes it again.
     */
    public void offer(RingEvent event) {
        intake().offer(event.ms(), event.seq(), event.type(), event.projectId(), event.assetId(), event.json());
    }

    /**
     * Takes an event from the ring's consumer as its slot holds it (embedded mode), before the
     * consumer clears the slot; never blocks.
     */
    public void offer(RingSlot slot) {
        intake().offer(slot.ms(), slot.seq(), slot.type(), slot.projectId(), slot.assetId(), slot.json());
    }

    private RingIntake intake() {
        if (ringIntake == null) {
            throw new IllegalStateException("a Redis dispatcher takes events from the firehose");
        }
        return ringIntake;
    }

    /** Sends dead letters again; the API's redeliver routes call it. */
    public DispatcherRedelivery redelivery() {
        return new DispatcherRedelivery(queue, clock);
    }

    private void wakeForIntake() {
        execute(() -> ringIntake.drain(this::takeIn));
    }

    private void execute(Runnable task) {
        if (!crashed) {
            try {
                thread.execute(task);
            } catch (RejectedExecutionException e) {
                // Closed: the job stays leased (Redis) or is lost with the memory (embedded).
            }
        }
    }

    /** An event from the ring, on the dispatcher's thread. */
    private void takeIn(TakenEvent event) {
        if (stopping) {
            return;
        }
        endpoints.of(event.projectId()).whenComplete((listed, error) -> {
            if (error != null) {
                LOG.warn(
                        "webhook endpoints of {} unavailable, event {} not delivered: {}",
                        event.projectId(),
                        event.id(),
                        error.toString());
                return;
            }
            List<WebhookJob> jobs = WebhookJob.forEvent(listed, event, clock.millis());
            if (!jobs.isEmpty()) {
                ((MemoryJobQueue) queue).addLeased(jobs);
                sendTakenIn(jobs);
            }
        });
    }

    /** Jobs just made and leased to this process: their first attempt goes now. */
    private void sendTakenIn(List<WebhookJob> jobs) {
        working.addAndGet(jobs.size());
        execute(() -> {
            for (WebhookJob job : jobs) {
                attempt(job);
            }
        });
    }

    private void claim() {
        if (claiming || stopping) {
            return;
        }
        claiming = true;
        queue.claim(settings.claimBatch()).whenComplete((jobs, error) -> {
            if (error != null) {
                LOG.warn("webhook claim failed: {}", error.toString());
                execute(() -> claiming = false);
                return;
            }
            working.addAndGet(jobs.size());
            execute(() -> {
                claiming = false;
                for (WebhookJob job : jobs) {
                    attempt(job);
                }
            });
        });
    }

    /** Decides what becomes of a job now, on the dispatcher's thread. */
    private void attempt(WebhookJob job) {
        if (crashed) {
            return;
        }
        CompletableFuture<List<WebhookEndpoint>> listing = endpoints.of(job.projectId());
        if (!listing.isDone()) {
            listing.whenComplete((listed, error) -> execute(() -> attempt(job)));
            return;
        }
        if (listing.isCompletedExceptionally()) {
            metrics.deferred("endpoints");
            settle(queue.schedule(job, STORE_WAIT_MS));
            return;
        }
        WebhookEndpoint endpoint = EndpointCache.find(listing.join(), job.endpointId());
        if (endpoint == null || !endpoint.receives(job.eventType())) {
            metrics.dropped();
            settle(queue.complete(job));
            return;
        }
        int flying = inFlight.getOrDefault(endpoint.id(), 0);
        if (flying >= settings.maxInFlightPerEndpoint()) {
            metrics.deferred("in_flight");
            settle(queue.schedule(job, BOUND_WAIT_MS));
            return;
        }
        long now = clock.millis();
        EndpointBreaker breaker = breakers.computeIfAbsent(
                endpoint.id(),
                id -> new EndpointBreaker(
                        settings.breakerThreshold(),
                        settings.firstCoolDown().toMillis(),
                        settings.maxCoolDown().toMillis()));
        long heldUntil = breaker.holdOrStart(now);
        if (heldUntil > 0) {
            if (now - job.firstAttemptMs() > settings.schedule().span().toMillis()) {
                deadLetterParked(job, "endpoint " + endpoint.id() + " parked after consecutive failures");
            } else {
                metrics.deferred("parked");
                settle(queue.schedule(job, heldUntil - now));
            }
            return;
        }
        inFlight.put(endpoint.id(), flying + 1);
        send(job, endpoint, breaker.probing(), now);
    }

    private void send(WebhookJob job, WebhookEndpoint endpoint, boolean probe, long now) {
        long timestamp = now / 1000;
        WebhookRequest request = new WebhookRequest(
                URI.create(endpoint.url()),
                job.messageId(),
                timestamp,
                WebhookSignature.header(endpoint.signingSecrets(now), job.messageId(), timestamp, job.body()),
                job.body(),
                settings.timeout());
        Attempt attempt = new Attempt(job, endpoint, probe, DeliveryEvents.dispatched(job, now), now);
        running.addLast(attempt);
        // The client answers within the timeout; the bound is a guard, as for the log's appends.
        sender.send(request)
                .completeOnTimeout(
                        new AttemptResult(
                                0,
                                "TIMEOUT",
                                "no outcome from the client",
                                settings.timeout().toNanos()),
                        settings.timeout().toMillis() + APPEND_WAIT_MS,
                        TimeUnit.MILLISECONDS)
                .whenComplete((result, error) -> execute(() -> outcome(attempt, result, error)));
    }

    /**
     * One attempt between its request and its outcome, on the dispatcher's thread. Most attempts end
     * within milliseconds, and then their {@code webhook_dispatched} goes to the log with the
     * outcome in one append (one log write per delivery instead of two, the larger share of the
     * dispatcher's cost). An attempt still running after {@link #DISPATCHED_ALONE_AFTER_MS} has its
     * {@code webhook_dispatched} appended on its own, so the feed shows it under way.
     */
    private final class Attempt {
        final WebhookJob job;
        final WebhookEndpoint endpoint;
        /** Whether this attempt is its parked endpoint's probe. */
        final boolean probe;

        final AssetEvent dispatched;
        final long startedMs;
        /** Set once the outcome is in: no {@code webhook_dispatched} alone from then on. */
        boolean ended;
        /** The append of {@code webhook_dispatched} alone, or null while it has not been made. */
        CompletableFuture<Boolean> dispatchedAlone;

        Attempt(WebhookJob job, WebhookEndpoint endpoint, boolean probe, AssetEvent dispatched, long startedMs) {
            this.job = job;
            this.endpoint = endpoint;
            this.probe = probe;
            this.dispatched = dispatched;
            this.startedMs = startedMs;
        }

        void recordDispatched() {
            if (!ended && !crashed) {
                dispatchedAlone = append(List.of(dispatched), DeliveryEvents.key(job, 'd'));
            }
        }

        /** The outcome is in: no separate {@code webhook_dispatched} from now on. */
        void end() {
            ended = true;
        }

        /**
         * Appends the outcome's events, after {@code webhook_dispatched} if that went alone, or with
         * it; true once stored, false when the log cannot take them now (nor took the dispatched).
         */
        CompletableFuture<Boolean> appendOutcome(List<AssetEvent> events) {
            if (dispatchedAlone == null) {
                List<AssetEvent> both = new ArrayList<>(events.size() + 1);
                both.add(dispatched);
                both.addAll(events);
                return append(both, DeliveryEvents.key(job, 'o'));
            }
            return dispatchedAlone.thenCompose(stored -> stored ? append(events, DeliveryEvents.key(job, 'o')) : FALSE);
        }
    }

    /** An attempt's outcome, on the dispatcher's thread. */
    private void outcome(Attempt attempt, AttemptResult sent, Throwable error) {
        WebhookJob job = attempt.job;
        WebhookEndpoint endpoint = attempt.endpoint;
        attempt.end();
        inFlight.merge(endpoint.id(), -1, Integer::sum);
        AttemptResult result = sent != null ? sent : new AttemptResult(0, "OTHER", String.valueOf(error), 0);
        if (result.notMade()) {
            metrics.deferred("not_made");
            if (attempt.probe) {
                breakers.get(endpoint.id()).probeNotMade(clock.millis());
            }
            // Our own backpressure or shutdown, not the receiver's doing: tried again shortly, as
            // a job over the in-flight bound is, without spending an attempt (and, refused at once
            // as it nearly always is, without recording one).
            settle(queue.schedule(job, BOUND_WAIT_MS));
            return;
        }
        long now = clock.millis();
        EndpointBreaker breaker = breakers.get(endpoint.id());
        if (breaker != null) {
            breaker.record(result.delivered(), now);
        }
        metrics.attempt(result, job.eventId().ms(), now);
        if (result.delivered()) {
            long latencyMs = TimeUnit.NANOSECONDS.toMillis(result.latencyNanos());
            settleAfter(
                    attempt.appendOutcome(List.of(DeliveryEvents.delivered(job, latencyMs, now))),
                    () -> queue.complete(job));
            return;
        }
        String message = "endpoint " + endpoint.id() + ": "
                + (result.errorMsg() != null ? result.errorMsg() : result.errorCode());
        AssetEvent failed = DeliveryEvents.failed(job, result.errorCode(), message, now);
        if (job.attempt() >= settings.schedule().attempts()) {
            WebhookJob last = job.failed(result.errorCode(), message);
            List<AssetEvent> events =
                    List.of(failed, DeliveryEvents.deadLetter(last, job.attempt(), result.errorCode(), message, now));
            settleAfter(
                    attempt.appendOutcome(events),
                    () -> storeDeadLetter(last, job.attempt(), result.errorCode(), message, now));
            return;
        }
        WebhookJob next = job.failed(result.errorCode(), message);
        long delay = settings.schedule().delayBeforeMs(next.attempt());
        settleAfter(attempt.appendOutcome(List.of(failed)), () -> queue.schedule(next, delay));
    }

    /**
     * Ends a job held past its schedule's span by a parked endpoint: {@code webhook_dead_letter}
     * (under a key of its own kind: no attempt of this number was made), then the dead letter, then
     * the job's removal.
     */
    private void deadLetterParked(WebhookJob job, String message) {
        long now = clock.millis();
        int attempts = job.attemptsMade();
        AssetEvent event = DeliveryEvents.deadLetter(job, attempts, "ENDPOINT_PARKED", message, now);
        settleAfter(
                append(List.of(event), DeliveryEvents.key(job, 'p')),
                () -> storeDeadLetter(job, attempts, "ENDPOINT_PARKED", message, now));
    }

    /** After its events are stored: the dead letter, then the job's removal. */
    private CompletableFuture<Void> storeDeadLetter(
            WebhookJob job, int attempts, String errorCode, String errorMsg, long now) {
        DeadLetter letter = new DeadLetter(
                job.messageId(),
                job.endpointId(),
                job.projectId(),
                job.assetId(),
                job.eventId(),
                job.eventType(),
                job.body(),
                attempts,
                errorCode,
                errorMsg,
                now);
        metrics.deadLetter();
        return deadLetters.add(letter).thenCompose(added -> queue.complete(job));
    }

    /**
     * Appends events; true once they are stored (or were, by an earlier run of the same attempt),
     * false when the log cannot take them now. Other refusals are logged and treated as stored: a
     * retry would meet them again.
     */
    private CompletableFuture<Boolean> append(List<AssetEvent> events, IdempotencyKey key) {
        // An append the log never answers (seen once across a Redis restart) must not hold its
        // attempt's in-flight slot for ever: past the bound it counts as not stored, so the job
        // stays leased and is attempted again after its lease.
        return rawAppend(events, key)
                .handle((batch, error) -> stored(error, key))
                .completeOnTimeout(false, APPEND_WAIT_MS, TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<StoredBatch> rawAppend(List<AssetEvent> events, IdempotencyKey key) {
        try {
            return log.append(events, key);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable causeOf(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** What an append's outcome means for the job: true stored, false try again after the lease. */
    private static boolean stored(Throwable error, IdempotencyKey key) {
        Throwable cause = causeOf(error);
        if (cause == null || cause instanceof IdempotencyKeyReusedException) {
            return true;
        }
        if (cause instanceof LogUnavailableException) {
            return false;
        }
        LOG.warn("webhook event refused by the log ({}): {}", key, cause.toString());
        return true;
    }

    /** After the events are stored, the next step; if the log is away the job stays leased. */
    private void settleAfter(CompletableFuture<Boolean> stored, Supplier<CompletableFuture<Void>> then) {
        stored.whenComplete((ok, error) -> {
            if (crashed) {
                return;
            }
            if (ok != null && ok) {
                settle(then.get());
            } else {
                working.decrementAndGet();
            }
        });
    }

    /** The job's new state is on its way: it no longer counts as working once stored. */
    private void settle(CompletableFuture<Void> stored) {
        stored.whenComplete((done, error) -> {
            if (error != null && !crashed) {
                LOG.warn("webhook job state not stored (the lease brings it back): {}", error.toString());
            }
            working.decrementAndGet();
        });
    }

    private void sample() {
        int count = 0;
        for (EndpointBreaker breaker : breakers.values()) {
            if (breaker.parked()) {
                count++;
            }
        }
        parked = count;
        long flying = 0;
        for (int attempts : inFlight.values()) {
            flying += attempts;
        }
        sampledInFlight = flying;
        queue.counts().whenComplete((counts, error) -> {
            if (counts != null) {
                sampledPending = counts[0];
                sampledDue = counts[1];
            }
        });
        if (groupLag != null) {
            groupLag.sample();
        }
    }

    JobQueue queueForTest() {
        return queue;
    }

    /** Jobs between claim and their next state stored, for tests and close. */
    int working() {
        return working.get();
    }

    /**
     * Stops taking events in and claiming, then waits up to the close wait for the attempts in flight
     * to be recorded. A job not finished by then stays leased in Redis and is claimed again after its
     * lease (in embedded mode it is lost with the memory).
     */
    @Override
    public void close() {
        stopping = true;
        for (FirehoseIntake intake : firehoseIntakes) {
            intake.leave();
        }
        long deadline = System.nanoTime() + settings.closeWait().toNanos();
        while (working.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        thread.shutdown();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.close();
    }

    /** Stops at once without recording anything more, as a kill -9 would: for tests. */
    void crashForTest() {
        crashed = true;
        stopping = true;
        thread.shutdownNow();
        for (FirehoseIntake intake : firehoseIntakes) {
            intake.stop();
        }
    }
}
