package com.motioness.edge.log.backend;

import com.lmax.disruptor.EventHandler;
import com.motioness.edge.config.LogSettings;
import com.motioness.edge.log.CoalescingReads;
import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.embedded.EmbeddedEventLog;
import com.motioness.edge.log.redis.RedisEventLog;
import com.motioness.edge.log.redis.RedisRetention;
import com.motioness.edge.ring.EventRing;
import com.motioness.edge.ring.RingSlot;
import com.motioness.protocol.redis.RedisKeys;
import java.time.Clock;

/**
 * The node's event log, embedded or on Redis ({@code --redis}), and the ring it publishes the live
 * feed to. {@link #close()} closes the log, then the ring.
 */
public final class LogBackend implements AutoCloseable {
    private final EventRing ring;
    private final EventLog log;
    private final RedisEventLog redisLog;

    private LogBackend(EventRing ring, EventLog log, RedisEventLog redisLog) {
        this.ring = ring;
        this.log = log;
        this.redisLog = redisLog;
    }

    /**
     * Starts the ring with its consumer, then the log that publishes to it; on Redis, connects and
     * checks the layout (which may fail: Redis away, another shard count), closing the ring then.
     */
    public static LogBackend start(LogSettings settings, EventHandler<RingSlot> consumer) {
        EventRing ring = new EventRing(settings.ringSize(), consumer);
        try {
            if (settings.redis() == null) {
                return new LogBackend(
                        ring,
                        new EmbeddedEventLog(
                                ring,
                                settings.retentionCount(),
                                settings.retentionAge(),
                                settings.idempotencyWindow(),
                                Clock.systemUTC()),
                        null);
            }
            RedisEventLog redisLog = new RedisEventLog(
                    settings.redis(),
                    new RedisKeys(settings.redisPrefix(), settings.redisShards()),
                    ring,
                    new RedisRetention(
                            settings.redisFirehoseLength(),
                            settings.retentionCount(),
                            settings.redisRunningTtl(),
                            settings.retentionAge(),
                            settings.idempotencyWindow()));
            // Reads from Redis cost round trips: at most 16 on their way, and the same read asked for by
            // many new streams while they wait (a node starting, a reconnect storm) goes once. Memory
            // reads cost nothing to repeat.
            return new LogBackend(ring, new CoalescingReads(redisLog, 16), redisLog);
        } catch (RuntimeException | Error e) {
            ring.close();
            throw e;
        }
    }

    /** The event log. */
    public EventLog log() {
        return log;
    }

    /** The Redis event log behind {@link #log()} in Redis mode (its reader lag, its health), else null. */
    public RedisEventLog redisLog() {
        return redisLog;
    }

    /** The ring. */
    public EventRing ring() {
        return ring;
    }

    /** {@code embedded} or {@code Redis}. */
    public String name() {
        return redisLog == null ? "embedded" : "Redis";
    }

    /** Closes the log, then the ring. */
    @Override
    public void close() {
        log.close();
        ring.close();
    }
}
