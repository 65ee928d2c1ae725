package com.motioness.edge.fanout;

/**
 * What one stream did, for the access log and the loop's counters: its route and answer, when it
 * opened and ended, and why it ended. The frames and bytes it wrote are counted by
 * {@link StreamDelivery}, where they are written. Loop-confined like its subscription, so every
 * count is a plain add. One per stream, so the loop's counters are handed to it rather than kept
 * (docs/perf.md, memory per idle stream).
 */
final class StreamStats {
    private StreamRoute route;
    private int status;
    private EndReason endReason;
    /** When the stream opened; once it ended, how long it ran. */
    private long openedOrDurationNanos;

    StreamStats(StreamRoute route) {
        this.route = route;
    }

    void route(StreamRoute route) {
        this.route = route;
    }

    StreamRoute route() {
        return route;
    }

    int status() {
        return status;
    }

    EndReason endReason() {
        return endReason;
    }

    void opened(long nowNanos) {
        openedOrDurationNanos = nowNanos;
    }

    /** The 200 head went out: the stream counts as opened on its route. */
    void headWritten(boolean cursorAhead, LoopCounters counters) {
        if (cursorAhead) {
            counters.cursorsAhead++;
        }
        status = 200;
        counters.opened[route.ordinal()]++;
    }

    /** Answered something else than 200 before the head (204, 503). */
    void refused(int answered) {
        status = answered;
    }

    void replayStarted(LoopCounters counters) {
        counters.replays++;
    }

    /**
     * The stream ended; {@code reason} is null for one refused before its head, which is counted
     * as neither opened nor closed.
     */
    void ended(long nowNanos, EndReason reason, boolean headWritten, LoopCounters counters) {
        endReason = reason;
        openedOrDurationNanos = nowNanos - openedOrDurationNanos;
        if (headWritten) {
            counters.countClosed(route, reason);
        }
    }

    /** From the open to the end once {@code ended}, else to {@code nowNanos}. */
    long durationNanos(long nowNanos, boolean ended) {
        return ended ? openedOrDurationNanos : nowNanos - openedOrDurationNanos;
    }
}
