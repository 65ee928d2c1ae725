package com.motioness.edge.auth;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The key registry shared by every node in Redis mode: one hash, {@code <prefix>:project-keys},
 * key to project id. HSET enables a key on every node at once; HDEL revokes it, and open streams
 * opened with it end at their next key check. Keys given by {@code --project-key} stay valid
 * whatever the hash says.
 */
public final class RedisProjectKeys implements ProjectKeys {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String hash;
    private final Map<String, String> fixed;

    /** @param prefix the Redis key prefix of the edge ({@code --redis-prefix}) */
    public RedisProjectKeys(String uri, String prefix, Map<String, String> fixed) {
        this.client = RedisClient.create(uri);
        this.connection = client.connect();
        this.hash = hashKey(prefix);
        this.fixed = Map.copyOf(fixed);
    }

    /** The hash that holds the keys. */
    public static String hashKey(String prefix) {
        return prefix + ":project-keys";
    }

    @Override
    public CompletableFuture<String> projectOf(String key) {
        String project = fixed.get(key);
        if (project != null) {
            return CompletableFuture.completedFuture(project);
        }
        return connection.async().hget(hash, key).toCompletableFuture();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
