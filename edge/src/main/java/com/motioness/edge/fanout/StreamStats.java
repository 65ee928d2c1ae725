package com.motioness.edge.fanout;

/**
 * What one stream did, for the access log and the loop's counters: its route and answer, when it
 * opened and ended, and why it ended. The frames and bytes it wrote are counted by
 * {@link StreamDelivery}, where they are written. Loop-confined like its subscription, so every
 * count is a plain add.
 */
final class StreamStats {
    private final LoopCounters counters;
    private StreamRoute route;
    private int status;
    private EndReason endReason;
    private long openedNanos;
    private long endedNanos;
    private boolean ended;

    StreamStats(LoopCounters counters, StreamRoute route) {
        this.counters = counters;
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
        openedNanos = nowNanos;
    }

    /** The 200 head went out: the stream counts as opened on its route. */
    void headWritten(boolean cursorAhead) {
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

    void replayStarted() {
        counters.replays++;
    }

    /**
     * The stream ended; {@code reason} is null for one refused before its head, which is counted
     * as neither opened nor closed.
     */
    void ended(long nowNanos, EndReason reason, boolean headWritten) {
        endReason = reason;
        endedNanos = nowNanos;
        ended = true;
        if (headWritten) {
            counters.countClosed(route, reason);
        }
    }

    /** From the open to the end, or to {@code nowNanos} while the stream runs. */
    long durationNanos(long nowNanos) {
        return (ended ? endedNanos : nowNanos) - openedNanos;
    }
}
