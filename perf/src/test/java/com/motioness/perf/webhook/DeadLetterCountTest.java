package com.motioness.perf.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Dead letters counted in the real Redis, whatever type the store keeps them in, under a random prefix. */
class DeadLetterCountTest {
    private static final String REDIS = "redis://127.0.0.1:6379";

    @Test
    void countsEachProjectsDeadLettersInItsShardWhateverTheKeysType() {
        String prefix = "dlc" + UUID.randomUUID().toString().substring(0, 8);
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            try {
                redis.hset(prefix + ":{0}:webhooks:dead:p1", Map.of("m1", "{}", "m2", "{}"));
                redis.zadd(prefix + ":{0}:webhooks:dead:p2", 1.0, "m3");
                redis.hset(prefix + ":{0}:webhooks:dead:other", Map.of("m4", "{}"));
                try (DeadLetterCount dead = new DeadLetterCount(REDIS, prefix, 1)) {
                    assertEquals(3, dead.of(List.of("p1", "p2", "p3")));
                }
            } finally {
                redis.del(
                        prefix + ":{0}:webhooks:dead:p1",
                        prefix + ":{0}:webhooks:dead:p2",
                        prefix + ":{0}:webhooks:dead:other");
            }
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
