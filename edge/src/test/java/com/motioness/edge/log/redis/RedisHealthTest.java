package com.motioness.edge.log.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.OwnRedis;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.Scrape;
import com.motioness.edge.support.TestEdge;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /readyz and the Redis metrics on a Redis of the test's own (it deletes the function library and
 * kills the server, which must never happen to the shared one).
 */
class RedisHealthTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static RawResponse readyz(TestEdge edge) {
        try {
            return HttpWire.get(edge.adminPort(), "/readyz");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readyOnlyWhileRedisAnswersWithItsFunctionLoaded(@TempDir Path dir) throws Exception {
        try (OwnRedis redis = OwnRedis.start(dir);
                TestEdge edge = TestEdge.start(config -> config.redis(redis.url()))) {
            assertEquals(200, readyz(edge).status(), readyz(edge).bodyText());
            assertEquals(200, HttpWire.get(edge.adminPort(), "/healthz").status());

            RedisClient client = RedisClient.create(redis.url());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.sync().functionFlush(io.lettuce.core.FlushMode.SYNC);
            } finally {
                client.shutdown();
            }
            Poll.until(() -> readyz(edge).status() == 503, WAIT, "not ready without the function library");
            RawResponse noFunction = readyz(edge);
            assertEquals("application/json", noFunction.header("content-type"));
            assertTrue(
                    noFunction
                            .bodyText()
                            .contains("\"problem\":\"Redis answers but the motioness function library"
                                    + " is not loaded\""),
                    noFunction.bodyText());

            edge.server()
                    .log()
                    .append(java.util.List.of(com.motioness.edge.support.Events.of(
                            com.motioness.protocol.EventType.QUEUED, TestEdge.PROJECT, "a1")))
                    .get();
            Poll.until(() -> readyz(edge).status() == 200, WAIT, "ready again: an append reloaded the library");

            redis.kill();
            Poll.until(() -> readyz(edge).status() == 503, WAIT, "not ready without Redis");
            assertTrue(readyz(edge).bodyText().contains("Redis"), readyz(edge).bodyText());
            assertEquals(200, HttpWire.get(edge.adminPort(), "/healthz").status(), "alive all the same");

            redis.restart();
            Poll.until(() -> readyz(edge).status() == 200, WAIT, "ready when Redis is back (persisted functions)");
        }
    }

    @Test
    void theReaderLagIsExposedPerShard(@TempDir Path dir) throws Exception {
        try (OwnRedis redis = OwnRedis.start(dir);
                TestEdge edge =
                        TestEdge.start(config -> config.redis(redis.url()).redisShards(3))) {
            Map<String, Double> samples = Scrape.all(edge.adminPort());
            long[] lag = edge.server().redisLog().readerLagMillis();
            assertEquals(3, lag.length);
            for (int shard = 0; shard < 3; shard++) {
                Double value = samples.get("motioness_redis_reader_lag_milliseconds{shard=\"" + shard + "\"}");
                assertTrue(value != null && value >= 0, "shard " + shard + ": " + samples.keySet());
            }
        }
    }
}
