package com.motioness.edge.metrics;

import com.motioness.edge.fanout.LoopCounters;
import com.motioness.edge.fanout.LoopFanout;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;

/**
 * {@code motioness_publish_to_write_seconds}: a histogram whose buckets are counted by each event
 * loop in plain fields ({@link LoopCounters}) and summed here at scrape time. The client's own
 * Histogram would put an atomic add per observation on memory shared by every loop (and a
 * synchronised buffer while a scrape runs); this one costs the loop a field increment.
 */
final class LatencyHistogram implements Collector {
    static final String NAME = "motioness_publish_to_write_seconds";
    private static final double[] BOUNDS_SECONDS = new double[LoopCounters.LATENCY_BOUNDS_MS.length + 1];

    static {
        for (int i = 0; i < LoopCounters.LATENCY_BOUNDS_MS.length; i++) {
            BOUNDS_SECONDS[i] = LoopCounters.LATENCY_BOUNDS_MS[i] / 1000.0;
        }
        BOUNDS_SECONDS[BOUNDS_SECONDS.length - 1] = Double.POSITIVE_INFINITY;
    }

    private final List<LoopFanout> loops;

    LatencyHistogram(List<LoopFanout> loops) {
        this.loops = List.copyOf(loops);
    }

    @Override
    public MetricSnapshot collect() {
        long[] counts = new long[BOUNDS_SECONDS.length];
        long sumMs = 0;
        for (LoopFanout loop : loops) {
            LoopCounters counters = loop.counters();
            for (int i = 0; i < counts.length; i++) {
                counts[i] += counters.latencyBucket(i);
            }
            sumMs += counters.latencySumMs();
        }
        return HistogramSnapshot.builder()
                .name(NAME)
                .help("From an event's publish time (the ms of its id) to the flush of its last subscriber's bytes"
                        + " on an event loop, once per event per loop; millisecond resolution")
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS_SECONDS, counts))
                        .sum(sumMs / 1000.0)
                        .build())
                .build();
    }
}
