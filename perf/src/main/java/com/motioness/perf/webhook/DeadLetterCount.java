package com.motioness.perf.webhook;

import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Dead letters of the given projects, counted in Redis: {@code webhooks:dead:<project>} in its
 * shard's slot. The store's own type decides how to count (hash, sorted set, list or stream), so
 * the count does not depend on how the store chose to keep them.
 */
final class DeadLetterCount {
    private DeadLetterCount() {}

    static long of(String uri, String prefix, int shards, Collection<String> projects) {
        RedisKeys keys = new RedisKeys(prefix, shards);
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            long total = 0;
            for (String project : projects) {
                // TODO(integrator): the key name as the dead-letter store (webhook.store) writes it.
                String key = keys.ofShard(keys.shardOf(project), "webhooks:dead:" + project);
                total += switch (redis.type(key)) {
                    case "hash" -> redis.hlen(key);
                    case "zset" -> redis.zcard(key);
                    case "list" -> redis.llen(key);
                    case "stream" -> redis.xlen(key);
                    case "set" -> redis.scard(key);
                    default -> 0L;
                };
            }
            return total;
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
