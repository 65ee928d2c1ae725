package com.motioness.perf;

import java.time.Instant;

/**
 * Wall-clock time in microseconds, read from the monotonic clock after one calibration.
 *
 * <p>Publishers stamp events with it and subscribers compare against it, possibly in different
 * processes on the same machine: each process calibrates once against the system clock
 * (microsecond resolution on Linux), then never jumps when NTP slews the wall clock mid-run.
 */
public final class MicroClock {
    private static final long BASE_NANOS = System.nanoTime();
    private static final long BASE_MICROS = epochMicros(Instant.now());

    private MicroClock() {}

    /** Microseconds since the epoch, now. */
    public static long nowMicros() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1_000;
    }

    private static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
