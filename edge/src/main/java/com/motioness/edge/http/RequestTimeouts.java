package com.motioness.edge.http;

import io.netty.util.concurrent.EventExecutor;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * How long a client may take to send a complete request ({@code --request-timeout}), with the
 * {@link RequestDeadlines} of each of the server's I/O loops; read-only once built, so any loop
 * may look its own up.
 */
final class RequestTimeouts {
    private final long timeoutNanos;
    private final Map<EventExecutor, RequestDeadlines> byLoop = new IdentityHashMap<>();

    RequestTimeouts(long timeoutNanos, Collection<? extends EventExecutor> loops) {
        this.timeoutNanos = timeoutNanos;
        for (EventExecutor loop : loops) {
            byLoop.put(loop, new RequestDeadlines(loop, timeoutNanos));
        }
    }

    /**
     * The deadlines of {@code loop}'s connections; a loop that is not one of the server's (a test's
     * embedded channel) gets deadlines of its own for each connection.
     */
    RequestDeadlines on(EventExecutor loop) {
        RequestDeadlines deadlines = byLoop.get(loop);
        return deadlines != null ? deadlines : new RequestDeadlines(loop, timeoutNanos);
    }
}
