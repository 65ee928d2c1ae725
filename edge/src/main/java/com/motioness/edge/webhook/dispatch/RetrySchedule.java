package com.motioness.edge.webhook.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When each attempt of a delivery is made: the delay before attempt n (attempt 1's is normally 0),
 * each spread by a jitter so receivers that came back are not hit by every retry at once.
 */
public final class RetrySchedule {
    /** The delays before attempts 1 to 5 unless configured: {@code 0s,30s,5m,30m,2h}. */
    public static final List<Duration> DEFAULT_DELAYS = List.of(
            Duration.ZERO, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2));
    /** The jitter unless configured: each delay varies by up to ±20%. */
    public static final double DEFAULT_JITTER = 0.2;

    private final long[] delaysMs;
    private final double jitter;
    private final DoubleSupplier random;
    private final long spanMs;

    /**
     * @param delays the delay before each attempt, at least one
     * @param jitter the fraction (0 to 1) by which each delay may vary either way
     * @param random values in [0, 1), e.g. {@code ThreadLocalRandom.current()::nextDouble}
     */
    public RetrySchedule(List<Duration> delays, double jitter, DoubleSupplier random) {
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("a retry schedule needs at least one attempt");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be between 0 and 1");
        }
        this.delaysMs = new long[delays.size()];
        long span = 0;
        for (int i = 0; i < delaysMs.length; i++) {
            if (delays.get(i).isNegative()) {
                throw new IllegalArgumentException("a retry delay cannot be negative");
            }
            delaysMs[i] = delays.get(i).toMillis();
            span += delaysMs[i];
        }
        this.jitter = jitter;
        this.random = random;
        this.spanMs = span;
    }

    /** The attempts a delivery gets in all. */
    public int attempts() {
        return delaysMs.length;
    }

    /** The delay before {@code attempt} (1-based), jittered; never negative. */
    public Duration delayBefore(int attempt) {
        return Duration.ofMillis(delayBeforeMs(attempt));
    }

    long delayBeforeMs(int attempt) {
        if (attempt < 1 || attempt > delaysMs.length) {
            throw new IllegalArgumentException("attempt " + attempt + " is not in 1.." + delaysMs.length);
        }
        long base = delaysMs[attempt - 1];
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Math.max(0, Math.round(base * factor));
    }

    /** The sum of the delays without jitter: how long a delivery's attempts take, about. */
    public Duration span() {
        return Duration.ofMillis(spanMs);
    }
}
