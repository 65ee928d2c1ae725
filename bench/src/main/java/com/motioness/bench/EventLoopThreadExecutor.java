package com.motioness.bench;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs JMH's benchmark threads as Netty {@code FastThreadLocalThread}s, like event loops. Netty
 * recycles buffer duplicates and outbound entries per thread only on such threads; on JMH's own
 * threads every delivery would allocate what production never does. Selected with
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=com.motioness.bench.EventLoopThreadExecutor}.
 */
public final class EventLoopThreadExecutor extends ThreadPoolExecutor {
    /** The constructor JMH calls. */
    public EventLoopThreadExecutor(int maxThreads, String prefix) {
        super(
                maxThreads,
                maxThreads,
                1,
                TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
