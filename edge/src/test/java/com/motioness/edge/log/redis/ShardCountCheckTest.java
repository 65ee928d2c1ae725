package com.motioness.edge.log.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.motioness.edge.support.EdgeProcess;
import com.motioness.edge.support.RedisKeysUnder;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * K is stored with the log (each shard's meta hash): an edge started with another
 * {@code --redis-shards} than the log of its prefix refuses to start, as with a bad setting.
 */
class ShardCountCheckTest {
    private final String prefix = "mxshards-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void clean() {
        RedisKeysUnder.delete(RedisBackboneTest.REDIS_URL, prefix + ":");
    }

    @Test
    void anEdgeWithAnotherShardCountExitsWith2NamingBothValues() throws Exception {
        try (TestEdge first = TestEdge.start(config ->
                config.redis(RedisBackboneTest.REDIS_URL).redisPrefix(prefix).redisShards(3))) {
            first.ingest(com.motioness.protocol.EventType.QUEUED, "a1");
        }
        for (int k : new int[] {2, 4}) {
            try (EdgeProcess edge = EdgeProcess.start(
                    "--port",
                    "0",
                    "--bind",
                    "127.0.0.1",
                    "--admin-port",
                    "-1",
                    "--redis",
                    RedisBackboneTest.REDIS_URL,
                    "--redis-prefix",
                    prefix,
                    "--redis-shards",
                    Integer.toString(k))) {
                assertEquals(2, edge.awaitExit(Duration.ofSeconds(30)), String.join("\n", edge.output()));
                List<String> errors = edge.linesWith("error: ");
                assertEquals(
                        List.of("error: --redis-shards is " + k + " but the log on " + RedisBackboneTest.REDIS_URL
                                + " has 3 shards (" + prefix
                                + ":{0}:meta field shards); every edge and producer of a prefix"
                                + " must use the same K"),
                        errors,
                        String.join("\n", edge.output()));
            }
        }
        try (TestEdge same = TestEdge.start(config ->
                config.redis(RedisBackboneTest.REDIS_URL).redisPrefix(prefix).redisShards(3))) {
            try (SseClient stream = SseClient.open(same.port(), TestEdge.assetPath("a1"))) {
                assertEquals(
                        "queued",
                        stream.nextEvent(Duration.ofSeconds(10)).event(),
                        "the same K starts and reads what was written");
            }
        }
    }
}
