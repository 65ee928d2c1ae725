package com.motioness.edge.auth;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Public project keys: the key in {@code /v1/{projectKey}/...} names the one project whose events
 * it may read, while it is enabled. Asynchronous, because the registry may live in Redis.
 */
public interface ProjectKeys extends AutoCloseable {
    /** The project this key opens, or null for a key that is unknown or revoked. */
    CompletableFuture<String> projectOf(String key);

    @Override
    default void close() {}

    /** Fixed keys, as configured. */
    static ProjectKeys of(Map<String, String> projectByKey) {
        Map<String, String> keys = Map.copyOf(projectByKey);
        return key -> CompletableFuture.completedFuture(keys.get(key));
    }
}
