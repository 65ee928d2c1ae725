package com.motioness.perf.publish;

import com.motioness.perf.MicroClock;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * How long each publish request waited for its answer, open loop: from the intended send time of
 * its first event (its schedule, not when the client got round to sending it) to the answer. A
 * server that answers late, or a publisher held back by unanswered requests, shows here. Beside
 * it, from the moment the request was handed to its connection: what the client's own lateness
 * added is the difference.
 *
 * <p>Only requests due from {@link #measureFrom} on are counted, both when sent and when answered,
 * so a warm-up left out of the figures leaves no request counted on one side only.
 */
public final class AnswerTimes {
    private final Histogram micros = new Histogram(3_600_000_000L, 3);
    private final Histogram fromSend = new Histogram(3_600_000_000L, 3);
    private final AtomicLong requests = new AtomicLong();
    private volatile long fromMicros = Long.MAX_VALUE;

    /** Counts the requests due from {@code micros} on (epoch microseconds, {@link MicroClock}). */
    public void measureFrom(long micros) {
        fromMicros = micros;
    }

    void sent(long intendedMicros) {
        if (intendedMicros >= fromMicros) {
            requests.incrementAndGet();
        }
    }

    void answered(long intendedMicros, long sentMicros) {
        if (intendedMicros >= fromMicros) {
            long now = MicroClock.nowMicros();
            synchronized (micros) {
                record(micros, now - intendedMicros);
                record(fromSend, now - sentMicros);
            }
        }
    }

    private static void record(Histogram histogram, long micros) {
        histogram.recordValue(Math.max(0, Math.min(micros, histogram.getHighestTrackableValue())));
    }

    /** Requests sent that were due from {@link #measureFrom} on. */
    public long requests() {
        return requests.get();
    }

    /** A copy of the answer times so far, from the intended send times, microseconds. */
    public Histogram histogram() {
        synchronized (micros) {
            return micros.copy();
        }
    }

    /** A copy of the answer times so far, from the actual send times, microseconds. */
    public Histogram fromSend() {
        synchronized (micros) {
            return fromSend.copy();
        }
    }
}
