package com.motioness.edge.log.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.LookAlike;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.RedisKeysUnder;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two edge nodes sharing one real Redis (REDIS_URL, default redis://127.0.0.1:6379): events
 * published through either reach streams on both, and a client moves between nodes with its
 * cursor. Each test has its own key prefix, so runs never see each other's events.
 */
class RedisBackboneTest {
    static final String REDIS_URL = TestEdge.REDIS_URL;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String AUTH = "Authorization: Bearer " + TestEdge.INGEST_TOKEN;

    private final String prefix = "mxtest-" + UUID.randomUUID().toString().substring(0, 8);
    private TestEdge nodeA;
    private TestEdge nodeB;

    @BeforeEach
    void start() throws Exception {
        nodeA = TestEdge.start(config -> config.redis(REDIS_URL).redisPrefix(prefix));
        nodeB = TestEdge.start(config -> config.redis(REDIS_URL).redisPrefix(prefix));
    }

    @AfterEach
    void stop() {
        nodeA.close();
        nodeB.close();
        RedisKeysUnder.delete(REDIS_URL, prefix + ":");
    }

    @Test
    void anEventPublishedThroughOneNodeReachesStreamsOnBoth() throws Exception {
        String first = nodeA.ingest(EventType.QUEUED, "a1");
        try (SseClient onA = SseClient.open(nodeA.port(), TestEdge.assetPath("a1"));
                SseClient onB = SseClient.open(nodeB.port(), TestEdge.assetPath("a1"))) {
            assertEquals(first, onA.nextEvent(WAIT).id(), "replayed from Redis");
            assertEquals(first, onB.nextEvent(WAIT).id());
            nodeA.awaitOpenStreams(1);
            nodeB.awaitOpenStreams(1);
            String second = nodeB.ingest(EventType.VISION_STARTED, "a1");
            assertEquals(second, onA.nextEvent(WAIT).id(), "live through node A's firehose reader");
            assertEquals(second, onB.nextEvent(WAIT).id());
            // The ring marks an event consumed after the dispatcher returns, which can be after the
            // client got it: wait for the counters rather than read them once.
            Poll.until(
                    () -> nodeA.server().redisLog().readerLagMillis()[0] == 0
                            && nodeA.server().ringBacklog() == 0,
                    WAIT,
                    "node A caught up, its ring empty");
        }
    }

    @Test
    void aClientMovesToTheOtherNodeWithItsCursorAndGetsExactlyWhatItMissed() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(nodeA.ingest(EventType.STAGE_STARTED, "a1"));
        }
        String cursor;
        try (SseClient onA = SseClient.open(nodeA.port(), TestEdge.assetPath("a1"))) {
            List<SseBlock> seen = onA.events(3, WAIT);
            cursor = seen.get(2).id();
        }
        for (int i = 0; i < 3; i++) {
            ids.add(nodeA.ingest(EventType.STAGE_STARTED, "a1"));
        }
        String ready;
        try (SseClient onB = SseClient.open(nodeB.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + cursor)) {
            List<String> resumed =
                    onB.events(5, WAIT).stream().map(SseBlock::id).toList();
            assertEquals(ids.subList(3, 8), resumed);
            nodeB.awaitOpenStreams(1);
            ready = nodeA.ingest(EventType.READY, "a1");
            assertEquals(ready, onB.nextEvent(WAIT).id());
            assertTrue(onB.awaitEnd(WAIT), "the asset ended at ready");
        }
        assertEquals(
                204,
                HttpWire.get(nodeA.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + ready)
                        .status(),
                "at the terminal event, on the node that did not serve it");
        assertEquals(
                204,
                HttpWire.get(nodeB.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + ready)
                        .status());
    }

    @Test
    void idsAreRedisStreamIds() throws Exception {
        String id = nodeA.ingest(EventType.QUEUED, "a1");
        EventId parsed = EventId.parse(id);
        assertTrue(parsed.ms() > 1_700_000_000_000L, id);
    }

    @Test
    void anAssetOfAnotherProjectIsRefusedAndNotRevealed() throws Exception {
        nodeA.ingest(EventType.QUEUED, "a1");
        RawResponse moved = HttpWire.exchange(
                nodeA.port(),
                HttpWire.request(
                        "POST", "/internal/events", Events.json(EventType.QUEUED, TestEdge.OTHER_PROJECT, "a1"), AUTH));
        assertEquals(400, moved.status());
        assertTrue(moved.bodyText().contains("\"field\":\"asset_id\""), moved.bodyText());
        try (SseClient theirs = SseClient.open(nodeB.port(), "/v1/" + TestEdge.OTHER_KEY + "/events/a1");
                SseClient missing = SseClient.open(nodeB.port(), "/v1/" + TestEdge.OTHER_KEY + "/events/nope")) {
            LookAlike.assertIndistinguishable(theirs, missing);
        }
    }

    @Test
    void theFunctionValidatesWhatProducersSendWithRedisAlone() {
        RedisKeys keys = new RedisKeys(prefix, 1);
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            String[] eventKeys = {
                keys.firehose(0), keys.meta(0), keys.project(0, "p1"), keys.asset(0, "a1"), keys.owner(0, "a1")
            };
            String valid = new String(
                    EventJson.encode(Events.of(EventType.QUEUED, "p1", "a1")), java.nio.charset.StandardCharsets.UTF_8);
            List<Object> ids = redis.sync()
                    .fcall(
                            "motioness_publish",
                            ScriptOutputType.MULTI,
                            eventKeys,
                            "1",
                            "1000",
                            "1000",
                            "1000",
                            "86400",
                            "3600",
                            "86400",
                            valid);
            assertEquals(1, ids.size());
            String[][] cases = {
                {valid.replace("\"queued\"", "\"exploded\""), "INVALID 0 type: unknown event type \"exploded\""},
                {
                    valid.replace("\"type\":\"queued\"", "\"type\":\"stage_completed\",\"stage\":\"x\""),
                    "INVALID 0 latency_ms: required on stage_completed"
                },
                {valid.replace("{", "{\"bogus\":1,"), "INVALID 0 bogus: unknown field"},
                {valid.replace("\"attempt\":1", "\"attempt\":0"), "INVALID 0 attempt: must be in 1..1000000"},
                {"not json", "INVALID 0 body: expected a JSON object"},
            };
            for (String[] bad : cases) {
                RedisCommandExecutionException e = assertThrows(
                        RedisCommandExecutionException.class,
                        () -> redis.sync()
                                .fcall(
                                        "motioness_publish",
                                        ScriptOutputType.MULTI,
                                        eventKeys,
                                        "1",
                                        "1000",
                                        "1000",
                                        "1000",
                                        "86400",
                                        "3600",
                                        "86400",
                                        bad[0]),
                        bad[0]);
                assertEquals(bad[1], e.getMessage());
            }
            String[] wrongKeys = {
                keys.firehose(0), keys.meta(0), keys.project(0, "p2"), keys.asset(0, "a1"), keys.owner(0, "a1")
            };
            RedisCommandExecutionException e = assertThrows(
                    RedisCommandExecutionException.class,
                    () -> redis.sync()
                            .fcall(
                                    "motioness_publish",
                                    ScriptOutputType.MULTI,
                                    wrongKeys,
                                    "1",
                                    "1000",
                                    "1000",
                                    "1000",
                                    "86400",
                                    "3600",
                                    "86400",
                                    valid));
            assertTrue(e.getMessage().startsWith("INVALID 0 project_id: keys do not match the event"), e.getMessage());
            assertEquals(1L, redis.sync().xlen(keys.asset(0, "a1")), "nothing written by the refused calls");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void anUndecodableEntryIsSkippedAndCountedWithoutStoppingTheReader() throws Exception {
        nodeA.ingest(EventType.QUEUED, "a1");
        try (SseClient stream = SseClient.open(nodeB.port(), TestEdge.assetPath("a1"))) {
            stream.nextEvent(WAIT);
            nodeB.awaitOpenStreams(1);
            RedisClient client = RedisClient.create(REDIS_URL);
            try (StatefulRedisConnection<String, String> redis = client.connect()) {
                redis.sync().xadd(new RedisKeys(prefix, 1).firehose(0), "e", "{not an event");
            } finally {
                client.shutdown();
            }
            String next = nodeA.ingest(EventType.VISION_STARTED, "a1");
            assertEquals(next, stream.nextEvent(WAIT).id(), "the reader went on past the bad entry");
            assertEquals(1, nodeB.server().redisLog().undecodableEntries());
        }
    }

    @Test
    void streamsAreTrimmedToTheRetentionCountAndALateCursorIsToldSo() throws Exception {
        nodeA.close();
        nodeA = TestEdge.start(
                config -> config.redis(REDIS_URL).redisPrefix(prefix).retentionCount(100));
        List<String> ids = new ArrayList<>();
        for (int batch = 0; batch < 7; batch++) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 50; i++) {
                body.append(i == 0 ? "" : ",").append(Events.json(EventType.STAGE_STARTED, TestEdge.PROJECT, "long"));
            }
            RawResponse response = HttpWire.exchange(
                    nodeA.port(),
                    HttpWire.request(
                            "POST", "/internal/events", body.append(']').toString(), AUTH));
            assertEquals(200, response.status(), response.bodyText());
            java.util.regex.Matcher matcher =
                    java.util.regex.Pattern.compile("\"([0-9-]+)\"").matcher(response.bodyText());
            while (matcher.find()) {
                ids.add(matcher.group(1));
            }
        }
        RedisClient client = RedisClient.create(REDIS_URL);
        long kept;
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            kept = redis.sync().xlen(new RedisKeys(prefix, 1).asset(0, "long"));
        } finally {
            client.shutdown();
        }
        assertTrue(kept >= 100 && kept < 350, "MAXLEN ~ 100 trimmed the asset stream: " + kept);
        try (SseClient late =
                SseClient.open(nodeB.port(), TestEdge.assetPath("long"), "Last-Event-ID: " + ids.get(0))) {
            assertEquals(200, late.status());
            assertEquals("true", late.header("x-motioness-replay-truncated"));
            late.next(WAIT);
            assertTrue(late.next(WAIT).comment().startsWith("replay truncated: events up to "));
            List<String> replayed =
                    late.events((int) kept, WAIT).stream().map(SseBlock::id).toList();
            assertEquals(ids.subList(ids.size() - (int) kept, ids.size()), replayed, "what is retained, in order");
        }
    }
}
