package com.motioness.perf.webhook;

import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Dead letters of the given projects, counted in Redis: {@code webhooks:dead:<project>} in its
 * shard's slot. The key's own type decides how to count (hash, sorted set, list, set or stream), so
 * the count does not depend on how the dead-letter store chose to keep them. One connection for the
 * whole run: the driver counts twice a second while it waits.
 */
final class DeadLetterCount implements AutoCloseable {
    private final RedisKeys keys;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    DeadLetterCount(String uri, String prefix, int shards) {
        keys = new RedisKeys(prefix, shards);
        client = RedisClient.create(uri);
        connection = client.connect();
    }

    long of(Collection<String> projects) {
        RedisCommands<String, String> redis = connection.sync();
        long total = 0;
        for (String project : projects) {
            // The hash RedisDeadLetterStore keeps per project, in the project's shard slot.
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
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
