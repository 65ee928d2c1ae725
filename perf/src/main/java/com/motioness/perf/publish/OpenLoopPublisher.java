package com.motioness.perf.publish;

import com.motioness.perf.MicroClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Publishes events on a fixed schedule — event {@code k} is due at {@code start + k / rate} —
 * whatever the server does, and stamps each with its due time (open loop: a stalled server shows
 * as latency, not as a lower rate the report would hide). Events are spread over the assets in
 * turn: event {@code k} is number {@code k / assets + 1} of asset {@code k % assets}.
 *
 * <p>Events that fell due while the previous batch was being sent go out together in the next
 * one. How late each send ran against its due time is recorded: a late publisher means the
 * offered rate was not reached, which the report says loudly.
 */
public final class OpenLoopPublisher {
    /** Sends later than this behind schedule mean the rate was not offered. */
    public static final long LATE_MICROS = 10_000;

    private final EventSink sink;
    private final List<String> assetIds;
    private final List<String> projectOfAsset;
    private final double rate;
    private final long count;
    private final Histogram lateness = new Histogram(3_600_000_000L, 3);
    private volatile long sent;
    private volatile boolean stopped;
    private long startMicros;
    private long endMicros;

    /** {@code count} events at {@code rate} a second over {@code assetIds}. */
    public OpenLoopPublisher(EventSink sink, List<String> assetIds, String projectId, double rate, long count) {
        this(sink, assetIds, Collections.nCopies(assetIds.size(), projectId), rate, count);
    }

    /**
     * {@code count} events at {@code rate} a second over {@code assetIds}, asset {@code i} belonging
     * to project {@code projectOfAsset.get(i)}: the webhook load spreads its events over many projects.
     */
    public OpenLoopPublisher(
            EventSink sink, List<String> assetIds, List<String> projectOfAsset, double rate, long count) {
        if (projectOfAsset.size() != assetIds.size()) {
            throw new IllegalArgumentException("one project per asset");
        }
        this.sink = sink;
        this.assetIds = assetIds;
        this.projectOfAsset = projectOfAsset;
        this.rate = rate;
        this.count = count;
    }

    /** Publishes each asset's event 0 ({@code queued}) and waits for the answers. */
    public static void createAssets(EventSink sink, List<String> assetIds, String projectId, long timeoutMillis)
            throws InterruptedException {
        createAssets(sink, assetIds, Collections.nCopies(assetIds.size(), projectId), timeoutMillis);
    }

    /** Publishes each asset's event 0 ({@code queued}) in its own project and waits for the answers. */
    public static void createAssets(
            EventSink sink, List<String> assetIds, List<String> projectOfAsset, long timeoutMillis)
            throws InterruptedException {
        List<PerfEvent> batch = new ArrayList<>();
        long now = MicroClock.nowMicros();
        for (int i = 0; i < assetIds.size(); i++) {
            batch.add(new PerfEvent(i, assetIds.get(i), projectOfAsset.get(i), 0, now));
            if (batch.size() == sink.maxBatch() || i == assetIds.size() - 1) {
                sink.send(batch);
                batch = new ArrayList<>();
            }
        }
        if (!sink.awaitAnswered(timeoutMillis) || sink.failed() > 0) {
            throw new IllegalStateException("could not create the assets: " + sink.firstFailure());
        }
    }

    /** Runs the schedule on the calling thread; returns when every event was sent or on stop. */
    public void run() throws InterruptedException {
        long startNanos = System.nanoTime();
        startMicros = MicroClock.nowMicros();
        double nanosPerEvent = 1e9 / rate;
        long k = 0;
        int assets = assetIds.size();
        while (k < count && !stopped) {
            long elapsed = System.nanoTime() - startNanos;
            long due = Math.min(count, (long) (elapsed / nanosPerEvent) + 1);
            if (due <= k) {
                long wait = (long) (k * nanosPerEvent) - elapsed;
                if (wait > 20_000) {
                    LockSupport.parkNanos(wait - 10_000);
                } else {
                    Thread.onSpinWait();
                }
                continue;
            }
            long n = Math.min(due - k, sink.maxBatch());
            List<PerfEvent> batch = new ArrayList<>((int) n);
            for (long j = k; j < k + n; j++) {
                int asset = (int) (j % assets);
                long intended = startMicros + (long) (j * nanosPerEvent / 1000);
                batch.add(
                        new PerfEvent(asset, assetIds.get(asset), projectOfAsset.get(asset), j / assets + 1, intended));
            }
            long late = MicroClock.nowMicros() - batch.get(0).intendedMicros();
            lateness.recordValue(Math.max(0, Math.min(late, 3_600_000_000L)));
            sink.send(batch);
            k += n;
            sent = k;
        }
        endMicros = MicroClock.nowMicros();
    }

    /** Ends {@link #run()} early. */
    public void stop() {
        stopped = true;
    }

    /** Events sent so far. */
    public long sent() {
        return sent;
    }

    /** How many of the sent events went to asset number {@code asset}. */
    public long sentTo(int asset) {
        long k = sent;
        int assets = assetIds.size();
        return k / assets + (asset < k % assets ? 1 : 0);
    }

    /** How late sends ran against their schedule, in microseconds. */
    public Histogram lateness() {
        return lateness;
    }

    /** The rate actually offered, events a second, over the run. */
    public double offeredRate() {
        long micros = Math.max(1, endMicros - startMicros);
        return sent * 1e6 / micros;
    }

    /** The rate asked for. */
    public double rate() {
        return rate;
    }

    /** True when the publisher kept its schedule: sends at most {@link #LATE_MICROS} late. */
    public boolean keptSchedule() {
        return lateness.getValueAtPercentile(99.0) <= LATE_MICROS && offeredRate() >= 0.95 * rate;
    }
}
