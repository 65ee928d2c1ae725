package com.motioness.edge.fanout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The times one stream keeps, checked by its loop's ticker: the cap (the stream's maximum
 * duration, with jitter), the heartbeat on an idle stream, and the periodic recheck of what opened
 * it. Loop-confined; the times are read from the loop's clock. One per stream, so it keeps no
 * reference its subscription can hand it (docs/perf.md, memory per idle stream).
 */
final class StreamTimers {
    private final StreamSettings settings;
    private long deadlineNanos;
    private Supplier<CompletableFuture<Boolean>> recheck;
    private long recheckIntervalNanos;
    private long nextRecheckNanos;
    private boolean recheckPending;

    StreamTimers(StreamSettings settings) {
        this.settings = settings;
    }

    /** Asks {@code check} every {@code interval}, from the start on; a "no" ends the stream. */
    void recheckEvery(Duration interval, Supplier<CompletableFuture<Boolean>> check) {
        this.recheck = check;
        this.recheckIntervalNanos = interval.toNanos();
    }

    /** The stream opened at {@code nowNanos}: the cap and the first recheck count from there. */
    void start(long nowNanos) {
        deadlineNanos = settings.deadlineFrom(nowNanos);
        nextRecheckNanos = nowNanos + recheckIntervalNanos;
    }

    boolean capReached(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    /** True when nothing was written for the ping interval. */
    boolean pingDue(long nowNanos, long lastWriteNanos) {
        return nowNanos - lastWriteNanos >= settings.pingIntervalNanos;
    }

    /**
     * Starts the recheck when it is due and none is pending. A "no" ends the stream; a failed
     * check keeps it open: a store that hiccups must not cut every stream.
     */
    void recheckIfDue(long nowNanos, Subscription subscription) {
        if (recheck != null && !recheckPending && nowNanos - nextRecheckNanos >= 0) {
            recheckPending = true;
            recheck.get()
                    .whenComplete((stillValid, error) -> subscription
                            .channel()
                            .eventLoop()
                            .execute(() -> {
                                recheckPending = false;
                                nextRecheckNanos = subscription.nanoTime() + recheckIntervalNanos;
                                if (error == null && Boolean.FALSE.equals(stillValid)) {
                                    subscription.end(EndReason.AUTH);
                                }
                            }));
        }
    }
}
