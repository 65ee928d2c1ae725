package com.motioness.edge.support;

import com.motioness.edge.config.EdgeConfig;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A test edge on either log, for tests that hold both to the same behaviour: the embedded log, or
 * the shared Redis (REDIS_URL) under a key prefix of its own, deleted on close.
 */
public final class EdgeOnLog implements AutoCloseable {
    /** The shared Redis of the tests. */
    public static final String REDIS_URL = TestEdge.REDIS_URL;
    /** The names a parameterized test runs over: {@code embedded} and {@code redis}. */
    public static final String EMBEDDED = "embedded";

    private final TestEdge edge;
    private final String prefix;

    private EdgeOnLog(TestEdge edge, String prefix) {
        this.edge = edge;
        this.prefix = prefix;
    }

    /** Starts an edge on {@code log} ({@code embedded} or {@code redis}) with the test defaults changed by {@code tweak}. */
    public static EdgeOnLog start(String log, UnaryOperator<EdgeConfig.Builder> tweak) throws InterruptedException {
        String prefix = log.equals(EMBEDDED)
                ? null
                : "mxlog-" + UUID.randomUUID().toString().substring(0, 8);
        return new EdgeOnLog(
                TestEdge.start(config -> tweak.apply(
                        prefix == null ? config : config.redis(REDIS_URL).redisPrefix(prefix))),
                prefix);
    }

    /** The edge. */
    public TestEdge edge() {
        return edge;
    }

    /** The Redis key prefix, or null on the embedded log. */
    public String prefix() {
        return prefix;
    }

    @Override
    public void close() {
        edge.close();
        if (prefix != null) {
            RedisKeysUnder.delete(REDIS_URL, prefix + ":");
        }
    }
}
