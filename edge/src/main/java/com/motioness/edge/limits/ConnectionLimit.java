package com.motioness.edge.limits;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * At most so many client connections open in this process; one past it is reset at once.
 *
 * <p>A process out of file descriptors fails every accept() (Netty then logs each failure) and
 * every socket or file it opens itself, Redis reconnections included. Stopping short of the limit
 * keeps that headroom, and a reset makes an {@code EventSource} retry later, where an HTTP error
 * would make it give up for good. Counted on accept, from any event loop, so atomically; once per
 * connection, never per event.
 */
public final class ConnectionLimit {
    /** Descriptors kept for everything but client connections: Redis, PostgreSQL, logs, the admin port. */
    static final int HEADROOM = 500;

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder refused = new LongAdder();

    /** At most {@code max} open connections. */
    public ConnectionLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("a connection limit must be at least 1, got " + max);
        }
        this.max = max;
    }

    /**
     * {@code configured} if positive, else the process's open-file limit less {@value #HEADROOM}
     * (at least 1), or no practical limit when the limit cannot be read.
     */
    public static ConnectionLimit of(int configured) {
        if (configured > 0) {
            return new ConnectionLimit(configured);
        }
        long files = maxFileDescriptors();
        return new ConnectionLimit(
                files > 0 ? (int) Math.max(1, Math.min(Integer.MAX_VALUE, files - HEADROOM)) : Integer.MAX_VALUE);
    }

    private static long maxFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    /** Takes a place for a new connection; false, and counted as refused, when none is left. */
    public boolean tryOpen() {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            refused.increment();
            return false;
        }
        return true;
    }

    /** Gives back the place of a connection that closed. */
    public void closed() {
        open.decrementAndGet();
    }

    /** The limit. */
    public int max() {
        return max;
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }

    /** Connections reset because the limit was reached. */
    public long refused() {
        return refused.sum();
    }
}
