package com.motioness.protocol.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.protocol.AssetEndedException;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.IdempotencyKeyReusedException;
import com.motioness.protocol.StoredBatch;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
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
        AssetEvent.Builder builder = AssetEvent.builder(type)
                .assetId(asset)
                .projectId(project)
                .ts(1_764_300_000_000L)
                .attempt(1)
                .requestId("r1");
        if (type == EventType.STAGE_COMPLETED) {
            builder.stage("render").latencyMs(5);
        }
        return builder.build();
    }

    @Test
    void aBatchIsWrittenToItsShardsStreamsUnderIncreasingIds() throws Exception {
        List<EventId> ids = publisher
                .publish(List.of(event(EventType.QUEUED, "p1", "a1"), event(EventType.STAGE_COMPLETED, "p1", "a1")))
                .get();
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
        ExecutionException refused = assertThrows(
                ExecutionException.class,
                () -> publisher
                        .publish(List.of(
                                event(EventType.QUEUED, sameShard, "a2"), event(EventType.QUEUED, sameShard, "a1")))
                        .get());
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
            ExecutionException refused = assertThrows(
                    ExecutionException.class,
                    () -> misconfigured
                            .publish(List.of(event(EventType.QUEUED, "p1", "a2")))
                            .get());
            ShardCountMismatchException mismatch = (ShardCountMismatchException) refused.getCause();
            assertEquals(4, mismatch.stored());
            assertEquals(k, mismatch.given());
            assertEquals(
                    "this log has 4 shards (" + prefix + ":{0}:meta shards), the caller " + k
                            + "; every edge and producer must use the same K",
                    mismatch.getMessage());
            assertEquals(0L, connection.sync().exists(other.asset(other.shardOf("p1"), "a2")), "nothing written");
        }
    }

    @Test
    void redisItselfRefusesACallWithAnotherShardCount() throws Exception {
        publisher.publish(List.of(event(EventType.QUEUED, "p1", "a1"))).get();
        int shard = keys.shardOf("p1");
        String[] callKeys = {
            keys.firehose(shard),
            keys.meta(shard),
            keys.project(shard, "p1"),
            keys.asset(shard, "a1"),
            keys.owner(shard, "a1")
        };
        RedisCommandExecutionException refused = assertThrows(
                RedisCommandExecutionException.class, () -> fcall(callKeys, 8, event(EventType.QUEUED, "p1", "a1")));
        assertEquals(
                "SHARDS 4 8: this log has 4 shards (" + keys.meta(shard) + " shards), the caller 8; every edge and"
                        + " producer must use the same K",
                refused.getMessage());
        assertEquals(1L, connection.sync().xlen(keys.asset(shard, "a1")), "nothing written");
    }

    @Test
    void eventsInKeysOfTheWrongShardAreRefused() throws Exception {
        int shard = keys.shardOf("p1");
        int wrong = (shard + 1) % keys.shards();
        String[] callKeys = {
            keys.firehose(wrong),
            keys.meta(wrong),
            keys.project(wrong, "p1"),
            keys.asset(wrong, "a1"),
            keys.owner(wrong, "a1")
        };
        RedisCommandExecutionException refused = assertThrows(
                RedisCommandExecutionException.class, () -> fcall(callKeys, 4, event(EventType.QUEUED, "p1", "a1")));
        assertEquals(
                "INVALID 0 project_id: project p1 belongs to shard " + shard + " of 4 (crc32 mod K), the keys are"
                        + " of shard " + wrong,
                refused.getMessage());
        assertEquals(0L, connection.sync().exists(keys.firehose(wrong)));
    }

    @Test
    void afterItsTerminalEventAnAssetTakesOnlyWebhookEventsAndOnlyOnTheProjectFeed() throws Exception {
        List<EventId> ids = publisher
                .publish(List.of(event(EventType.QUEUED, "p1", "a1"), event(EventType.READY, "p1", "a1")))
                .get();
        ExecutionException refused = assertThrows(
                ExecutionException.class,
                () -> publisher
                        .publish(List.of(event(EventType.CANCELLED, "p1", "a1")))
                        .get());
        AssetEndedException ended = (AssetEndedException) refused.getCause();
        assertEquals(ids.get(1), ended.terminalId());
        assertEquals(-1, ended.index());
        assertEquals(
                "asset a1 ended at " + ids.get(1) + "; only webhook_* events may follow its terminal event",
                ended.getMessage());
        publisher
                .publish(List.of(event(EventType.WEBHOOK_DELIVERED, "p1", "a1")))
                .get();
        int shard = keys.shardOf("p1");
        assertEquals(2L, connection.sync().xlen(keys.asset(shard, "a1")), "the asset's stream ends at ready");
        assertEquals(3L, connection.sync().xlen(keys.project(shard, "p1")));
        assertEquals(3L, connection.sync().xlen(keys.firehose(shard)));
        assertTrue(connection.sync().ttl(keys.owner(shard, "a1")) <= 3600, "no running TTL again");
    }

    @Test
    void aRetryWithTheSameKeyAndEventsStoresNothingAndAnswersTheFirstIds() throws Exception {
        List<AssetEvent> batch = List.of(event(EventType.QUEUED, "p1", "a1"), event(EventType.READY, "p1", "a1"));
        IdempotencyKey key = IdempotencyKey.of("batch-" + UUID.randomUUID());
        StoredBatch first = publisher.publish(batch, key).get();
        assertFalse(first.replayed());
        assertEquals(2, first.ids().size());
        // Another producer process retrying the same batch: its own publisher, the same key.
        StoredBatch retry =
                new EventPublisher(connection.async(), keys).publish(batch, key).get();
        assertTrue(retry.replayed());
        assertEquals(first.ids(), retry.ids());
        int shard = keys.shardOf("p1");
        assertEquals(2L, connection.sync().xlen(keys.firehose(shard)), "stored once");
        long ttl = connection.sync().ttl(keys.idempotency(shard, key.value()));
        assertTrue(ttl > 86_000 && ttl <= 86_400, "kept for the default window of 24 h: " + ttl);
    }

    @Test
    void theSameKeyWithOtherEventsIsRefusedAndStoresNothing() throws Exception {
        IdempotencyKey key = IdempotencyKey.of("k-1");
        publisher.publish(List.of(event(EventType.QUEUED, "p1", "a1")), key).get();
        ExecutionException refused = assertThrows(
                ExecutionException.class,
                () -> publisher
                        .publish(List.of(event(EventType.QUEUED, "p1", "a2")), key)
                        .get());
        assertEquals(
                "Idempotency-Key k-1 was used for a different batch within the idempotency window",
                refused.getCause().getMessage());
        assertTrue(refused.getCause() instanceof IdempotencyKeyReusedException);
        assertEquals(0L, connection.sync().exists(keys.asset(keys.shardOf("p1"), "a2")));
    }

    @Test
    void callsRacingWithOneKeyStoreTheBatchOnce() throws Exception {
        List<AssetEvent> batch = List.of(event(EventType.QUEUED, "p1", "a1"));
        IdempotencyKey key = IdempotencyKey.of("race");
        List<StatefulRedisConnection<String, byte[]>> connections = new java.util.ArrayList<>();
        List<java.util.concurrent.CompletableFuture<StoredBatch>> calls = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                connections.add(client.connect(EventPublisher.CODEC));
            }
            for (StatefulRedisConnection<String, byte[]> each : connections) {
                calls.add(new EventPublisher(each.async(), keys).publish(batch, key));
            }
            List<StoredBatch> answers = new java.util.ArrayList<>();
            for (java.util.concurrent.CompletableFuture<StoredBatch> call : calls) {
                answers.add(call.get());
            }
            assertEquals(
                    1, answers.stream().filter(answer -> !answer.replayed()).count(), "one call stored it");
            assertEquals(1, answers.stream().map(StoredBatch::ids).distinct().count(), "every call got its ids");
            assertEquals(1L, connection.sync().xlen(keys.firehose(keys.shardOf("p1"))));
        } finally {
            connections.forEach(StatefulRedisConnection::close);
        }
    }

    @Test
    void afterTheWindowTheKeyIsFreeAgain() throws Exception {
        EventPublisher shortWindow = new EventPublisher(
                connection.async(), keys, 1000, 1000, Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(1));
        IdempotencyKey key = IdempotencyKey.of("short");
        List<AssetEvent> batch = List.of(event(EventType.QUEUED, "p1", "a1"));
        StoredBatch first = shortWindow.publish(batch, key).get();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (connection.sync().exists(keys.idempotency(keys.shardOf("p1"), "short")) == 1) {
            assertTrue(System.nanoTime() < deadline, "the key expires after its window");
            Thread.sleep(20);
        }
        StoredBatch again = shortWindow.publish(batch, key).get();
        assertFalse(again.replayed());
        assertNotEquals(first.ids(), again.ids());
    }

    /** A producer's own call of the function, with K = {@code shards} and the default limits. */
    private List<Object> fcall(String[] callKeys, int shards, AssetEvent event) {
        return connection
                .sync()
                .fcall(
                        "motioness_publish",
                        ScriptOutputType.MULTI,
                        callKeys,
                        ascii(shards),
                        ascii(1000),
                        ascii(1000),
                        ascii(1000),
                        ascii(86400),
                        ascii(3600),
                        ascii(86400),
                        EventJson.encode(event));
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
