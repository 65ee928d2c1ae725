package com.motioness.edge.log.redis;

import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.ring.EventRing;
import com.motioness.edge.ring.RingEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.RoutingFields;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one shard's firehose with XREAD BLOCK from the last id it processed, publishing each
 * entry into the ring in order. One thread and one connection per shard: a blocking read holds its
 * connection, and a reader that stops on a full ring is exactly the backpressure wanted. When the
 * connection fails it retries with backoff from the same id, so nothing is missed or doubled.
 *
 * <p>An entry holds only the event's JSON; the reader scans it for the routing fields
 * ({@link RoutingFields}) here, off the ring's thread, and publishes them with it.
 */
final class FirehoseReader {
    private static final Logger LOG = LoggerFactory.getLogger(FirehoseReader.class);
    private static final long BLOCK_MILLIS = 1000;
    private static final int BATCH = 512;

    private final RedisBackend backend;
    private final String firehose;
    private final EventRing ring;
    private final BlockingReadLoop loop;
    private volatile String lastId;
    private volatile long lagMillis;
    /** Entries skipped because they could not be routed; written by the reader's thread alone. */
    private volatile long undecodable;

    private final AtomicReference<String> restartAt = new AtomicReference<>();
    /** The events of one read, published together; used by the reader's thread alone. */
    private final RingEvent[] batch = new RingEvent[BATCH];

    FirehoseReader(RedisBackend backend, String firehose, EventRing ring, int shard) {
        this.backend = backend;
        this.firehose = firehose;
        this.ring = ring;
        this.loop = new BlockingReadLoop(
                backend,
                "motioness-firehose-" + shard,
                BLOCK_MILLIS,
                this::readRound,
                (error, retryIn) -> LOG.warn(
                        "firehose {}: {}; retrying from {} in {} ms", firehose, error.toString(), lastId, retryIn));
    }

    /** Starts after the newest entry of the firehose: older events are replayed from their streams. */
    void start() {
        List<StreamMessage<String, byte[]>> newest = backend.async()
                .xrevrange(firehose, Range.create("-", "+"), Limit.from(1))
                .toCompletableFuture()
                .join();
        lastId = newest.isEmpty() ? "0-0" : newest.get(0).getId();
        loop.start();
    }

    private void readRound(RedisClusterCommands<String, byte[]> redis) {
        String restart = restartAt.getAndSet(null);
        if (restart != null) {
            lastId = restart;
        }
        List<StreamMessage<String, byte[]>> entries = readAfter(redis, lastId);
        int count = 0;
        for (StreamMessage<String, byte[]> entry : entries) {
            byte[] json = entry.getBody().get("e");
            RingEvent event = json == null ? null : routed(EventId.parse(entry.getId()), json);
            if (event != null) {
                batch[count++] = event;
            }
        }
        if (count > 0) {
            ring.publish(batch, count);
            Arrays.fill(batch, 0, count, null);
        }
        if (!entries.isEmpty()) {
            lastId = entries.get(entries.size() - 1).getId();
        }
        // A full batch means more is waiting: the last entry's age is how far behind we are.
        lagMillis = entries.size() < BATCH
                ? 0
                : Math.max(0, System.currentTimeMillis() - EventId.parse(lastId).ms());
    }

    /** The entry as the ring carries it, or null when it cannot be routed (then skipped and counted). */
    private RingEvent routed(EventId id, byte[] json) {
        RoutingFields routing;
        try {
            routing = RoutingFields.scan(json);
        } catch (EventValidationException | RuntimeException e) {
            // A bad entry is skipped and counted; it must never stop the feed for everyone else (nor
            // send this reader back to read it again).
            LOG.warn("skipped undecodable event {}-{}: {}", id.ms(), id.seq(), e.getMessage());
            undecodable++;
            return null;
        }
        return new LoggedEvent(id.ms(), id.seq(), routing.type(), routing.projectId(), routing.assetId(), json);
    }

    /** Entries of this shard skipped because their JSON did not give the routing fields. */
    long undecodable() {
        return undecodable;
    }

    @SuppressWarnings("unchecked")
    private List<StreamMessage<String, byte[]>> readAfter(RedisClusterCommands<String, byte[]> redis, String id) {
        return redis.xread(
                XReadArgs.Builder.block(BLOCK_MILLIS).count(BATCH), XReadArgs.StreamOffset.from(firehose, id));
    }

    /**
     * Reads on from {@code id} instead of the last id taken, from the next read on. After Redis
     * lost its data the firehose is a new one, whose ids may be below the last id taken (a
     * replacement whose clock is behind): reading it from its start re-reads at most what was
     * already taken (subscribers drop ids they already wrote), where going on would skip.
     */
    void restartFrom(EventId id) {
        restartAt.set(id.toRedisId());
    }

    /** Milliseconds behind the head of the firehose; 0 when caught up. */
    long lagMillis() {
        return lagMillis;
    }

    void stop() {
        loop.stop();
    }
}
