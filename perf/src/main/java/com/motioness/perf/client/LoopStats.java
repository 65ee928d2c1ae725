package com.motioness.perf.client;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What the streams of one client event loop measured: a wait-free latency recorder (the loop
 * writes, the reporter thread takes interval histograms) and plain counters, read only from the
 * loop itself when totals are gathered.
 */
final class LoopStats {
    /** Publish-to-receipt latency in microseconds, 1 µs to 1 h, three significant digits. */
    final SingleWriterRecorder latency = new SingleWriterRecorder(1, 3_600_000_000L, 3);
    /** From connect to the response head, in microseconds, for first connections. */
    final Histogram openLatency = new Histogram(1, 3_600_000_000L, 3);

    long comments;
}
