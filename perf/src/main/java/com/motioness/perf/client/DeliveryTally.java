package com.motioness.perf.client;

/**
 * What one stream received of one asset's events, numbered 1, 2, 3…: how many distinct ones,
 * and how many arrived twice or out of order.
 *
 * <p>A 64-event window below the highest number seen tells a duplicate from a late arrival
 * without a set per stream (the same trick as IPsec's anti-replay window). An event more than 64
 * behind the highest is counted as out of order and new: a stream this far out of order is
 * broken either way. Confined to the stream's event loop.
 */
final class DeliveryTally {
    private long highest;
    private long window;
    private long unique;
    private long duplicated;
    private long outOfOrder;

    /** Records event {@code seq} (≥ 1); true when it is the first time this stream sees it. */
    boolean record(long seq) {
        if (seq > highest) {
            long shift = seq - highest;
            window = shift >= 64 ? 1L : (window << shift) | 1L;
            highest = seq;
            unique++;
            return true;
        }
        long back = highest - seq;
        if (back >= 64) {
            outOfOrder++;
            unique++;
            return true;
        }
        long bit = 1L << back;
        if ((window & bit) != 0) {
            duplicated++;
            return false;
        }
        window |= bit;
        outOfOrder++;
        unique++;
        return true;
    }

    long unique() {
        return unique;
    }

    long duplicated() {
        return duplicated;
    }

    long outOfOrder() {
        return outOfOrder;
    }
}
