package com.motioness.edge.fanout;

/**
 * The monitoring counters of one event loop: plain {@code long} fields, written only by that loop
 * (its subscriptions and its fan-out), so counting a delivery costs an add on a field the loop
 * already has in cache: no atomic, no shared cache line, no allocation.
 *
 * <p>Other threads (a metrics scrape) read them without synchronisation. Such a read may miss
 * the latest increments, and the fields of one read need not be from the same instant; every
 * value only grows, so the next scrape sees them. On a 64-bit JVM a long read is never torn.
 * That is the accepted price of a monitoring counter that the hot path does not pay for.
 */
public final class LoopCounters {
    /**
     * Upper bounds, in milliseconds, of the publish-to-write latency buckets (1 ms to 10 s), fine
     * enough between 5 and 250 ms to read a hot asset's p99 from them; the last bucket, above them,
     * is +Inf.
     */
    public static final double[] LATENCY_BOUNDS_MS = {
        1, 2.5, 5, 7.5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 125, 150, 200, 250, 300, 400, 500, 750, 1000, 2500,
        5000, 10000
    };

    private static final int ROUTES = StreamRoute.all().length;
    private static final int REASONS = EndReason.all().length;

    long eventFrames;
    long bytes;
    long pings;
    long replays;
    long replayedEvents;
    long cursorsAhead;
    final long[] opened = new long[ROUTES];
    final long[] closed = new long[ROUTES * REASONS];
    /** Not cumulative: each slot counts the observations of its bucket alone; the last is +Inf. */
    final long[] latencyBuckets = new long[LATENCY_BOUNDS_MS.length + 1];

    long latencySumMs;

    LoopCounters() {}

    void countClosed(StreamRoute route, EndReason reason) {
        closed[route.ordinal() * REASONS + reason.ordinal()]++;
    }

    /** Once per event per loop that wrote it, after its last flush: now minus its publish time (its id's ms). */
    void recordLatency(long millis) {
        // A node whose clock runs behind the producer's (Redis assigns the ms) sees a negative age.
        long ms = Math.max(0, millis);
        int bucket = 0;
        while (bucket < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[bucket]) {
            bucket++;
        }
        latencyBuckets[bucket]++;
        latencySumMs += ms;
    }

    /** Event frames written to streams, live and replayed. */
    public long eventFrames() {
        return eventFrames;
    }

    /** SSE body bytes written to streams: event frames and pings, chunk framing included. */
    public long bytes() {
        return bytes;
    }

    /** {@code : ping} heartbeats written. */
    public long pings() {
        return pings;
    }

    /** Streams that replayed history from the log before going live. */
    public long replays() {
        return replays;
    }

    /** Event frames written from the log during replays. */
    public long replayedEvents() {
        return replayedEvents;
    }

    /** Streams whose client sent a cursor past the stream's end, resumed from the end instead. */
    public long cursorsAhead() {
        return cursorsAhead;
    }

    /** Streams opened (200 head written) on this route. */
    public long opened(StreamRoute route) {
        return opened[route.ordinal()];
    }

    /** Opened streams of this route that ended for this reason. */
    public long closed(StreamRoute route, EndReason reason) {
        return closed[route.ordinal() * REASONS + reason.ordinal()];
    }

    /** Observations of latency bucket {@code i} alone (not cumulative); the last is +Inf. */
    public long latencyBucket(int i) {
        return latencyBuckets[i];
    }

    /** Sum of the observed latencies, in milliseconds. */
    public long latencySumMs() {
        return latencySumMs;
    }
}
