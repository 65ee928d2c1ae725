package com.motioness.edge.auth;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.CompletableFuture;

/**
 * Membership for deployments without SQL access: a Redis set per project holding the ids of the
 * users who may read it, {@code <prefix>project-members:<projectId>}, kept by the deployment
 * (for example from better-auth's organization hooks). One SISMEMBER per lookup.
 */
public final class RedisProjectAccess implements ProjectAccess, AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String keyPrefix;

    /** @param keyPrefix prepended to {@code project-members:<projectId>} */
    public RedisProjectAccess(String uri, String keyPrefix) {
        this.client = RedisClient.create(uri);
        this.connection = client.connect();
        this.keyPrefix = keyPrefix;
    }

    /** The set of a project's readers. */
    public String key(String projectId) {
        return keyPrefix + "project-members:" + projectId;
    }

    @Override
    public CompletableFuture<Boolean> mayRead(String userId, String projectId) {
        return connection.async().sismember(key(projectId), userId).toCompletableFuture();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
