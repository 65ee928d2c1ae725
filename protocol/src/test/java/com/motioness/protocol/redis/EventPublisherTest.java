package com.motioness.protocol.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java producer on a real Redis (REDIS_URL, default redis://127.0.0.1:6379). */
class EventPublisherTest {
    private static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

    private final String prefix = "mxpub-" + UUID.randomUUID().toString().substring(0, 8);
    private final RedisKeys keys = new RedisKeys(prefix, 4);
    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> connection;
    private EventPublisher publisher;

    @BeforeEach
    void connect() {
        client = RedisClient.create(REDIS_URL);
        connection = client.connect(EventPublisher.CODEC);
        EventPublisher.loadLibrary(connection.sync());
        publisher = new EventPublisher(connection.async(), keys);
    }

    @AfterEach
    void clean() {
        List<String> written = connection.sync().keys(prefix + ":*");
        if (!written.isEmpty()) {
            connection.sync().del(written.toArray(new String[0]));
        }
        connection.close();
        client.shutdown();
    }

    private static AssetEvent event(EventType type, String project, String asset) throws EventValidationException {
        AssetEvent.Builder builder = AssetEvent.builder(type).assetId(asset).projectId(project).ts(1_764_300_000_000L)
                .attempt(1).requestId("r1");
        if (type == EventType.STAGE_COMPLETED) {
            builder.stage("render").latencyMs(5);
        }
        return builder.build();
    }

    @Test
    void aBatchIsWrittenToItsShardsStreamsUnderIncreasingIds() throws Exception {
        List<EventId> ids = publisher.publish(List.of(event(EventType.QUEUED, "p1", "a1"),
                event(EventType.STAGE_COMPLETED, "p1", "a1"))).get();
        assertEquals(2, ids.size());
        assertTrue(ids.get(0).compareTo(ids.get(1)) < 0);
        int shard = keys.shardOf("p1");
        assertEquals(2L, connection.sync().xlen(keys.firehose(shard)));
        assertEquals(2L, connection.sync().xlen(keys.project(shard, "p1")));
        assertEquals(2L, connection.sync().xlen(keys.asset(shard, "a1")));
        assertEquals("p1", new String(connection.sync().get(keys.owner(shard, "a1"))));
        assertTrue(connection.sync().ttl(keys.asset(shard, "a1")) > 3600, "a running asset keeps the running TTL");
        publisher.publish(List.of(event(EventType.READY, "p1", "a1"))).get();
        assertTrue(connection.sync().ttl(keys.asset(shard, "a1")) <= 3600, "a finished one the finished TTL");
    }

    @Test
    void redisRefusalsComeBackAsValidationErrorsNamingFieldAndIndex() throws Exception {
        publisher.publish(List.of(event(EventType.QUEUED, "p1", "a1"))).get();
        String other = "p1-other";
        for (int i = 0; keys.shardOf(other) != keys.shardOf("p1"); i++) {
            other = "p1-other-" + i;
        }
        String sameShard = other;
        ExecutionException refused = assertThrows(ExecutionException.class, () -> publisher.publish(List.of(
                event(EventType.QUEUED, sameShard, "a2"), event(EventType.QUEUED, sameShard, "a1"))).get());
        EventValidationException invalid = (EventValidationException) refused.getCause();
        assertEquals("asset_id", invalid.field());
        assertEquals(1, invalid.index());
        assertEquals("asset_id: belongs to another project", invalid.getMessage());
        assertEquals(0L, connection.sync().exists(keys.asset(keys.shardOf(sameShard), "a2")), "nothing of the batch");
    }
}
