package com.motioness.edge.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open streams per key (a project key, a user, a client address), at most {@code max} each. Taken
 * when a stream is accepted and given back when it ends, whatever the reason; keys without streams
 * are forgotten, so memory follows the open streams.
 */
public final class ConcurrencyLimiter {
    private final int max;
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    /** @param max streams allowed per key; 0 means no limit */
    public ConcurrencyLimiter(int max) {
        this.max = max;
    }

    /** Takes a place for {@code key}; false when it already has {@code max} streams. */
    public boolean tryAcquire(String key) {
        if (max == 0) {
            return true;
        }
        boolean[] taken = new boolean[1];
        open.compute(key, (k, count) -> {
            AtomicInteger current = count == null ? new AtomicInteger() : count;
            if (current.get() < max) {
                current.incrementAndGet();
                taken[0] = true;
            }
            return current.get() == 0 ? null : current;
        });
        return taken[0];
    }

    /** Gives back a place taken by {@link #tryAcquire}. */
    public void release(String key) {
        if (max == 0) {
            return;
        }
        open.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
