package com.motioness.protocol.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.protocol.AssetEndedException;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
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

    @Test
    void aProducerWithAnotherShardCountIsRefusedNamingBoth() throws Exception {
        publisher.publish(List.of(event(EventType.QUEUED, "p1", "a1"))).get();
        for (int k : new int[] {2, 8}) {
            RedisKeys other = new RedisKeys(prefix, k);
            EventPublisher misconfigured = new EventPublisher(connection.async(), other);
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> misconfigured.publish(List.of(event(EventType.QUEUED, "p1", "a2"))).get());
            ShardCountMismatchException mismatch = (ShardCountMismatchException) refused.getCause();
            assertEquals(4, mismatch.stored());
            assertEquals(k, mismatch.given());
            assertEquals("this log has 4 shards (" + prefix + ":{0}:meta shards), the caller " + k
                    + "; every edge and producer must use the same K", mismatch.getMessage());
            assertEquals(0L, connection.sync().exists(other.asset(other.shardOf("p1"), "a2")), "nothing written");
        }
    }

    @Test
    void redisItselfRefusesACallWithAnotherShardCount() throws Exception {
        publisher.publish(List.of(event(EventType.QUEUED, "p1", "a1"))).get();
        int shard = keys.shardOf("p1");
        String[] callKeys = {keys.firehose(shard), keys.meta(shard), keys.project(shard, "p1"), keys.asset(shard, "a1"),
            keys.owner(shard, "a1")};
        RedisCommandExecutionException refused = assertThrows(RedisCommandExecutionException.class,
                () -> connection.sync().fcall("motioness_publish", ScriptOutputType.MULTI, callKeys, ascii("8"),
                        ascii("1000"), ascii("1000"), ascii("1000"), ascii("86400"), ascii("3600"),
                        EventJson.encode(event(EventType.QUEUED, "p1", "a1"))));
        assertEquals("SHARDS 4 8: this log has 4 shards (" + keys.meta(shard) + " shards), the caller 8; every edge and"
                + " producer must use the same K", refused.getMessage());
        assertEquals(1L, connection.sync().xlen(keys.asset(shard, "a1")), "nothing written");
    }

    @Test
    void eventsInKeysOfTheWrongShardAreRefused() throws Exception {
        int shard = keys.shardOf("p1");
        int wrong = (shard + 1) % keys.shards();
        String[] callKeys = {keys.firehose(wrong), keys.meta(wrong), keys.project(wrong, "p1"), keys.asset(wrong, "a1"),
            keys.owner(wrong, "a1")};
        RedisCommandExecutionException refused = assertThrows(RedisCommandExecutionException.class,
                () -> connection.sync().fcall("motioness_publish", ScriptOutputType.MULTI, callKeys, ascii("4"),
                        ascii("1000"), ascii("1000"), ascii("1000"), ascii("86400"), ascii("3600"),
                        EventJson.encode(event(EventType.QUEUED, "p1", "a1"))));
        assertEquals("INVALID 0 project_id: project p1 belongs to shard " + shard + " of 4 (crc32 mod K), the keys are"
                + " of shard " + wrong, refused.getMessage());
        assertEquals(0L, connection.sync().exists(keys.firehose(wrong)));
    }

    @Test
    void afterItsTerminalEventAnAssetTakesOnlyWebhookEventsAndOnlyOnTheProjectFeed() throws Exception {
        List<EventId> ids = publisher.publish(List.of(event(EventType.QUEUED, "p1", "a1"),
                event(EventType.READY, "p1", "a1"))).get();
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> publisher.publish(List.of(event(EventType.CANCELLED, "p1", "a1"))).get());
        AssetEndedException ended = (AssetEndedException) refused.getCause();
        assertEquals(ids.get(1), ended.terminalId());
        assertEquals(-1, ended.index());
        assertEquals("asset a1 ended at " + ids.get(1) + "; only webhook_* events may follow its terminal event",
                ended.getMessage());
        publisher.publish(List.of(event(EventType.WEBHOOK_DELIVERED, "p1", "a1"))).get();
        int shard = keys.shardOf("p1");
        assertEquals(2L, connection.sync().xlen(keys.asset(shard, "a1")), "the asset's stream ends at ready");
        assertEquals(3L, connection.sync().xlen(keys.project(shard, "p1")));
        assertEquals(3L, connection.sync().xlen(keys.firehose(shard)));
        assertTrue(connection.sync().ttl(keys.owner(shard, "a1")) <= 3600, "no running TTL again");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
