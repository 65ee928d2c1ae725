package com.motioness.edge.fanout;

import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** What every subscription of a server shares: the allocator and the stream timings. */
public final class StreamSettings {
    /** Events read from the log per replay request, so a long replay never holds everything. */
    static final int REPLAY_PAGE_SIZE = 256;
    /** Live frames a replaying subscriber may hold back before it is cut as too slow. */
    static final int MAX_HELD_LIVE_FRAMES = 8192;

    final ByteBufAllocator alloc;
    final long pingIntervalNanos;
    final long maxDurationNanos;
    final long maxJitterNanos;
    final long slowConsumerTimeoutNanos;
    final long maxPendingBytes;
    final long tickNanos;
    final long deliverySliceNanos;

    /**
     * @param pingInterval heartbeat period on an idle stream
     * @param maxDuration the hard cap of one stream; each stream closes up to 10% (at most 30 s)
     *     earlier, at random, so clients connected together do not all reconnect together
     * @param slowConsumerTimeout how long a stream may stay unwritable before it is cut
     * @param writeBufferHigh the channel's high-water mark; four times it is the hard ceiling of
     *     bytes a connection may have waiting, whatever the timeout
     * @param deliverySlice the longest one delivery task writes before its loop reads its sockets
     *     again (it looks at the clock every 16 subscribers)
     */
    public StreamSettings(
            ByteBufAllocator alloc,
            Duration pingInterval,
            Duration maxDuration,
            Duration slowConsumerTimeout,
            int writeBufferHigh,
            Duration deliverySlice) {
        this.alloc = alloc;
        this.pingIntervalNanos = pingInterval.toNanos();
        this.maxDurationNanos = maxDuration.toNanos();
        this.maxJitterNanos =
                Math.min(maxDurationNanos / 10, Duration.ofSeconds(30).toNanos());
        this.slowConsumerTimeoutNanos = slowConsumerTimeout.toNanos();
        this.maxPendingBytes = 4L * writeBufferHigh;
        this.deliverySliceNanos = deliverySlice.toNanos();
        long shortest = Math.min(Math.min(pingIntervalNanos, maxDurationNanos), slowConsumerTimeoutNanos);
        this.tickNanos = Math.max(
                Duration.ofMillis(5).toNanos(),
                Math.min(shortest / 4, Duration.ofSeconds(1).toNanos()));
    }

    long deadlineFrom(long nowNanos) {
        long jitter = maxJitterNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(maxJitterNanos + 1);
        return nowNanos + maxDurationNanos - jitter;
    }
}
