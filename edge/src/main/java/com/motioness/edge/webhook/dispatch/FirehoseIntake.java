package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.log.redis.BlockingReadLoop;
import com.motioness.edge.log.redis.RedisBackend;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.RoutingFields;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one shard's firehose into jobs as a consumer of the group {@value #GROUP}, on a thread and
 * a connection of its own (a blocking XREADGROUP holds its connection), as the log's firehose
 * readers do, so a Cluster works the same. An entry nobody receives is acknowledged in a batch; an
 * entry with receivers becomes jobs leased to this process and is acknowledged in the same script
 * ({@link RedisJobQueue#intake}), and their first attempts go at once. An entry whose intake failed
 * stays pending and is taken over by XAUTOCLAIM after the idle time, by this consumer or another.
 */
final class FirehoseIntake {
    /** Where jobs just taken in (and leased to this process) go for their first attempt. */
    @FunctionalInterface
    interface JobSink {
        void take(List<WebhookJob> jobs);
    }

    /** The consumer group of every dispatcher on a firehose. */
    static final String GROUP = "webhooks";

    private static final Logger LOG = LoggerFactory.getLogger(FirehoseIntake.class);
    private static final int BATCH = 128;
    private static final long LOOKUP_SECONDS = 5;
    /**
     * How long a round that found less than a full batch waits before the next read. XREADGROUP
     * answers as soon as one entry is there, so at a few thousand entries a second each round took
     * one or two, and every round is a command, a reply and a thread wake-up; waiting this long
     * lets the next read take the entries of 2 ms together (the p50 pays about that).
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final RedisBackend backend;
    private final RedisJobQueue queue;
    private final EndpointCache endpoints;
    private final int shard;
    private final String firehose;
    private final String consumer;
    private final long blockMillis;
    private final Duration autoclaimIdle;
    private final Clock clock;
    private final JobSink send;
    private final BlockingReadLoop loop;
    private long nextAutoclaimMs;

    FirehoseIntake(
            RedisBackend backend,
            RedisJobQueue queue,
            EndpointCache endpoints,
            int shard,
            String firehose,
            String consumer,
            Duration autoclaimIdle,
            Clock clock,
            JobSink send) {
        this.backend = backend;
        this.queue = queue;
        this.endpoints = endpoints;
        this.shard = shard;
        this.firehose = firehose;
        this.consumer = consumer;
        this.autoclaimIdle = autoclaimIdle;
        this.blockMillis = Math.max(10, Math.min(1000, autoclaimIdle.toMillis() / 2));
        this.clock = clock;
        this.send = send;
        this.loop = new BlockingReadLoop(
                backend,
                "motioness-webhook-intake-" + shard,
                blockMillis,
                this::readRound,
                (error, retryIn) ->
                        LOG.warn("webhook intake of {}: {}; retrying in {} ms", firehose, error.toString(), retryIn));
    }

    /** Creates the group on the firehose if it has none (at its end: older events are not sent). */
    void start() {
        try {
            backend.async()
                    .xgroupCreate(
                            XReadArgs.StreamOffset.from(firehose, "$"), GROUP, XGroupCreateArgs.Builder.mkstream())
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!isBusyGroup(e)) {
                throw new IllegalStateException("cannot create the group " + GROUP + " on " + firehose, e);
            }
        }
        nextAutoclaimMs = clock.millis() + autoclaimIdle.toMillis() / 2;
        loop.start();
    }

    private static boolean isBusyGroup(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RedisBusyException
                    || (cause.getMessage() != null && cause.getMessage().contains("BUSYGROUP"))) {
                return true;
            }
        }
        return false;
    }

    private void readRound(RedisClusterCommands<String, byte[]> redis) {
        if (clock.millis() >= nextAutoclaimMs) {
            autoclaim(redis);
            nextAutoclaimMs = clock.millis() + Math.max(10, autoclaimIdle.toMillis() / 2);
        }
        @SuppressWarnings("unchecked")
        List<StreamMessage<String, byte[]>> entries = redis.xreadgroup(
                Consumer.from(GROUP, consumer),
                XReadArgs.Builder.block(blockMillis).count(BATCH),
                XReadArgs.StreamOffset.lastConsumed(firehose));
        take(redis, entries);
        if (!entries.isEmpty() && entries.size() < BATCH) {
            LockSupport.parkNanos(LINGER_NANOS);
        }
    }

    /** Takes over entries another consumer (a dead dispatcher) read and never took in. */
    private void autoclaim(RedisClusterCommands<String, byte[]> redis) {
        String start = "0-0";
        do {
            ClaimedMessages<String, byte[]> claimed = redis.xautoclaim(
                    firehose,
                    XAutoClaimArgs.Builder.xautoclaim(Consumer.from(GROUP, consumer), autoclaimIdle, start)
                            .count(BATCH));
            take(redis, claimed.getMessages());
            start = claimed.getId();
        } while (loop.isRunning() && !"0-0".equals(start));
    }

    private void take(RedisClusterCommands<String, byte[]> redis, List<StreamMessage<String, byte[]>> entries) {
        List<String> nobody = new ArrayList<>();
        // Every entry's intake goes out at once, pipelined on the shared connection, then each
        // one's jobs are sent in turn once it is stored: waiting for each before issuing the next
        // added a round trip per entry ahead of the last one of a batch (p99 118 ms at 1,000 events/s).
        List<CompletableFuture<Boolean>> intakes = new ArrayList<>();
        List<List<WebhookJob>> taken = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (StreamMessage<String, byte[]> entry : entries) {
            byte[] json = entry.getBody() == null ? null : entry.getBody().get("e");
            List<WebhookJob> jobs = json == null ? List.of() : jobsOf(entry.getId(), json);
            if (jobs == null) {
                continue;
            }
            if (jobs.isEmpty()) {
                nobody.add(entry.getId());
                continue;
            }
            intakes.add(queue.intake(shard, GROUP, entry.getId(), jobs));
            taken.add(jobs);
            ids.add(entry.getId());
        }
        if (!nobody.isEmpty()) {
            redis.xack(firehose, GROUP, nobody.toArray(String[]::new));
        }
        for (int i = 0; i < intakes.size(); i++) {
            try {
                if (intakes.get(i).get(5, TimeUnit.SECONDS)) {
                    send.take(taken.get(i));
                }
            } catch (Exception e) {
                if (!loop.isRunning()) {
                    return;
                }
                // Left pending: XAUTOCLAIM brings it back after the idle time.
                LOG.warn("webhook intake of {} {}: {}", firehose, ids.get(i), e.toString());
            }
        }
    }

    /** The jobs of an entry; empty when nobody receives it, null when it must stay pending. */
    private List<WebhookJob> jobsOf(String entryId, byte[] json) {
        RoutingFields routing;
        try {
            routing = RoutingFields.scan(json);
        } catch (RuntimeException | EventValidationException e) {
            // The log's readers skip it too: nothing to deliver.
            return List.of();
        }
        if (routing.type().isWebhook()) {
            return List.of();
        }
        List<WebhookEndpoint> listed;
        try {
            listed = endpoints.of(routing.projectId()).get(LOOKUP_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (loop.isRunning()) {
                LOG.warn("webhook endpoints of {} unavailable: {}", routing.projectId(), e.toString());
            }
            return null;
        }
        TakenEvent event =
                new TakenEvent(EventId.parse(entryId), routing.type(), routing.projectId(), routing.assetId(), json);
        return WebhookJob.forEvent(listed, event, clock.millis());
    }

    /**
     * Stops reading and leaves the group: the consumer is deleted when it holds no pending entry,
     * so restarts do not pile up dead consumers (each process has a name of its own). One that still
     * holds some stays, for XAUTOCLAIM to take them over.
     */
    void leave() {
        stop();
        try {
            Long pending = backend.async()
                    .xpending(firehose, GROUP)
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS)
                    .getConsumerMessageCount()
                    .get(consumer);
            if (pending == null || pending == 0) {
                backend.async()
                        .xgroupDelconsumer(firehose, Consumer.from(GROUP, consumer))
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("webhook consumer {} not removed from {}: {}", consumer, firehose, e.toString());
        }
    }

    /** Stops reading; entries read and not taken in stay pending for XAUTOCLAIM. */
    void stop() {
        loop.stop();
    }
}
