package com.motioness.edge.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * New streams per client address per second: a token bucket per address, refilled at
 * {@code perSecond} up to {@code burst}. Full buckets are dropped on the way so idle addresses
 * cost nothing; past {@code maxAddresses} tracked at once, full ones are swept.
 */
public final class ConnectionRateLimiter {
    private static final long SECOND = 1_000_000_000L;

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    private final double perSecond;
    private final double burst;
    private final int maxAddresses;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param perSecond sustained new streams per second per address; 0 means no limit
     * @param burst how many may come at once
     */
    public ConnectionRateLimiter(double perSecond, double burst, int maxAddresses, LongSupplier nanoTime) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.maxAddresses = maxAddresses;
        this.nanoTime = nanoTime;
    }

    /**
     * Takes one token for {@code address}.
     *
     * @return 0 when allowed, else the seconds to wait before a token is there (for Retry-After)
     */
    public long tryAcquire(String address) {
        if (perSecond == 0) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        if (buckets.size() > maxAddresses) {
            buckets.values().removeIf(bucket -> refill(bucket, now) >= burst);
        }
        long[] wait = new long[1];
        buckets.compute(address, (key, bucket) -> {
            Bucket current = bucket == null ? new Bucket(burst, now) : bucket;
            double tokens = refill(current, now);
            if (tokens >= 1) {
                current.tokens = tokens - 1;
            } else {
                current.tokens = tokens;
                wait[0] = Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
            }
            current.updatedNanos = now;
            return current;
        });
        return wait[0];
    }

    private double refill(Bucket bucket, long now) {
        return Math.min(burst, bucket.tokens + (now - bucket.updatedNanos) * perSecond / SECOND);
    }
}
