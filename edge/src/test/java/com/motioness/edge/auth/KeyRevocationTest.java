package com.motioness.edge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RedisKeysUnder;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Project keys enabled and revoked while the edge runs: revocation ends open streams in seconds. */
class KeyRevocationTest {
    private static final String REDIS_URL = TestEdge.REDIS_URL;
    private static final String KEY = "rotating-key-0001";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static void write(Path file, String text, int step) throws Exception {
        Files.writeString(file, text);
        // Make each version's time distinct even on coarse file-system clocks.
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(step)));
    }

    @Test
    void aKeysFileIsReadAgainWhenItChangesAndARemovedKeyEndsItsStreams(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.txt");
        write(keys, "# keys\n" + KEY + "=" + TestEdge.PROJECT + "\n", 0);
        try (TestEdge edge = TestEdge.start(config ->
                config.keysFile(keys).keyRecheck(Duration.ofMillis(200)).pingInterval(Duration.ofMillis(200)))) {
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
            String path = "/v1/" + KEY + "/events/a1";
            try (SseClient stream = SseClient.open(edge.port(), path)) {
                assertEquals(200, stream.status());
                write(keys, "# revoked\n", 5);
                assertTrue(stream.awaitEnd(WAIT), "the removed key's stream ends");
                assertTrue(stream.endedCleanly());
            }
            assertEquals(401, HttpWire.get(edge.port(), path).status());
            try (SseClient flagged = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
                assertEquals(200, flagged.status(), "keys given as flags stay valid");
            }
            write(keys, "other-key-0000001=" + TestEdge.PROJECT + "\n", 10);
            Poll.until(
                    () -> {
                        try (SseClient added = SseClient.open(edge.port(), "/v1/other-key-0000001/events/a1")) {
                            return added.status() == 200;
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    WAIT,
                    "a key added to the file to work");
        }
    }

    @Test
    void inRedisModeKeysLiveInOneHashForEveryNode() throws Exception {
        String prefix = "mxkeys-" + UUID.randomUUID().toString().substring(0, 8);
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> redis = client.connect();
                TestEdge edge = TestEdge.start(config -> config.redis(REDIS_URL)
                        .redisPrefix(prefix)
                        .projectKeys(Map.of())
                        .keyRecheck(Duration.ofMillis(200))
                        .pingInterval(Duration.ofMillis(200)))) {
            String path = "/v1/" + KEY + "/events/a1";
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
            assertEquals(401, HttpWire.get(edge.port(), path).status(), "not enabled yet");
            redis.sync().hset(RedisProjectKeys.hashKey(prefix), KEY, TestEdge.PROJECT);
            try (SseClient stream = SseClient.open(edge.port(), path)) {
                assertEquals(200, stream.status(), "enabled by HSET");
                assertEquals("queued", stream.nextEvent(WAIT).event());
                redis.sync().hdel(RedisProjectKeys.hashKey(prefix), KEY);
                assertTrue(stream.awaitEnd(WAIT), "HDEL ends the open stream");
            }
            assertEquals(401, HttpWire.get(edge.port(), path).status());
        } finally {
            client.shutdown();
            RedisKeysUnder.delete(REDIS_URL, prefix + ":");
        }
    }
}
