package com.motioness.edge.log.redis;

import com.motioness.protocol.EventId;
import com.motioness.protocol.redis.RedisKeys;
import com.motioness.protocol.redis.ShardMeta;
import io.lettuce.core.KeyValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that Redis lost a shard's history: restarted without persistence, emptied, or replaced.
 * Each shard's meta hash holds the epoch at which its history began; once a period this reads every
 * shard's, recreates a missing one (a new epoch), and when an epoch changed logs one warning, counts
 * the loss and sends the shard's firehose reader back to the start of the new history. Replays
 * read the epoch themselves and tell clients whose cursor is older that events are missing.
 *
 * <p>One thread of its own, off the event loops; a Redis that does not answer is skipped until it
 * does (the firehose readers report the outage).
 */
final class HistoryWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryWatch.class);
    private static final long TIMEOUT_MILLIS = 2000;

    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final RedisKeys keys;
    private final IntFunction<CompletableFuture<ShardMeta>> init;
    private final List<FirehoseReader> readers;
    // Only the watch thread touches these after construction.
    private final long[] epochs;
    private final int[] reportedShards;
    private final ScheduledExecutorService thread;
    // Written by the watch thread alone, read by scrapes.
    private volatile long losses;

    /**
     * @param init creates a shard's meta hash when it is missing and answers it
     * @param epochs each shard's epoch when this node started (taken over)
     */
    HistoryWatch(
            RedisClusterAsyncCommands<String, byte[]> redis,
            RedisKeys keys,
            IntFunction<CompletableFuture<ShardMeta>> init,
            List<FirehoseReader> readers,
            long[] epochs,
            Duration period) {
        this.redis = redis;
        this.keys = keys;
        this.init = init;
        this.readers = readers;
        this.epochs = epochs;
        this.reportedShards = new int[epochs.length];
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread watch = new Thread(runnable, "motioness-history");
            watch.setDaemon(true);
            return watch;
        });
        thread.scheduleWithFixedDelay(this::check, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Losses noticed since the node started. */
    long losses() {
        return losses;
    }

    private void check() {
        List<CompletableFuture<List<KeyValue<String, byte[]>>>> reads = new ArrayList<>(epochs.length);
        for (int shard = 0; shard < epochs.length; shard++) {
            reads.add(redis.hmget(keys.meta(shard), "shards", "epoch").toCompletableFuture());
        }
        for (int shard = 0; shard < epochs.length; shard++) {
            try {
                List<KeyValue<String, byte[]>> fields = reads.get(shard).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                ShardMeta meta = fields.get(0).hasValue() && fields.get(1).hasValue()
                        ? new ShardMeta(Integer.parseInt(text(fields.get(0))), Long.parseLong(text(fields.get(1))))
                        : init.apply(shard).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                compare(shard, meta);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                // A master that does not answer is looked at again next time; its readers report it.
                LOG.debug("history check of shard {} skipped: {}", shard, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void compare(int shard, ShardMeta meta) {
        if (meta.shards() != keys.shards() && reportedShards[shard] != meta.shards()) {
            reportedShards[shard] = meta.shards();
            LOG.error(
                    "{} says the log has {} shards, this node uses {} (--redis-shards): its replays and appends"
                            + " miss the other nodes' shards; every edge and producer of a prefix must use the same K",
                    keys.meta(shard),
                    meta.shards(),
                    keys.shards());
        }
        long was = epochs[shard];
        long now = meta.epochMillis();
        if (now == was) {
            return;
        }
        epochs[shard] = now;
        if (now == 0) {
            // A meta hash recreated over a firehose that is still there: nothing was lost.
            LOG.info("{} was recreated over the existing firehose; its history is intact", keys.meta(shard));
            return;
        }
        losses++;
        LOG.warn(
                "Redis lost the history of shard {}: its log now begins at {} (epoch {}, was {}). Events before"
                        + " that are gone; clients resuming from an earlier cursor get what was written since, marked"
                        + " X-Motioness-Replay-Truncated. Run Redis with AOF persistence (see docs/deploy.md).",
                shard,
                new EventId(now, 0),
                now,
                was);
        readers.get(shard).restartFrom(EventId.ZERO);
    }

    private static String text(KeyValue<String, byte[]> field) {
        return new String(field.getValue(), StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
