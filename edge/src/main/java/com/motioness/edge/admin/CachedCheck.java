package com.motioness.edge.admin;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs an expensive check at most once per period and answers the last result in between, so a
 * probe or scraper polling {@code /readyz} in a loop cannot turn into load on Redis.
 */
public final class CachedCheck implements Supplier<Readiness> {
    private final Supplier<Readiness> check;
    private final long periodNanos;
    private final LongSupplier nanoTime;
    private Readiness last;
    private long checkedAt;

    /** @param nanoTime the clock (System::nanoTime; controllable in tests) */
    public CachedCheck(Supplier<Readiness> check, long periodNanos, LongSupplier nanoTime) {
        this.check = check;
        this.periodNanos = periodNanos;
        this.nanoTime = nanoTime;
    }

    @Override
    public synchronized Readiness get() {
        long now = nanoTime.getAsLong();
        if (last == null || now - checkedAt >= periodNanos) {
            Readiness result;
            try {
                result = check.get();
            } catch (RuntimeException e) {
                result = Readiness.notReady(e.toString());
            }
            last = result;
            checkedAt = now;
        }
        return last;
    }
}
