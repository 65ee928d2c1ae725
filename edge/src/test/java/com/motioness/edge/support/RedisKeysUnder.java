package com.motioness.edge.support;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;

/** Deletes what a test wrote to the shared Redis: every key under its own prefix. */
public final class RedisKeysUnder {
    private RedisKeysUnder() {}

    /** DEL of every key matching {@code prefix*} (KEYS is fine for a test's handful of keys). */
    public static void delete(String redisUrl, String prefix) {
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            List<String> keys = redis.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                redis.sync().del(keys.toArray(new String[0]));
            }
        } finally {
            client.shutdown();
        }
    }
}
