package com.motioness.edge.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.EdgeOnLog;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After an asset's terminal event only webhook_* events are taken for it, on both logs: anything
 * else is 409 naming the terminal event; a webhook event reaches the project's feed, not the asset's
 * stream, which still ends at its terminal event.
 */
class AfterTerminalTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String AUTH = "Authorization: Bearer " + TestEdge.INGEST_TOKEN;
    private static final String FEED = "/api/projects/" + TestEdge.PROJECT + "/activity";
    private static final Pattern ID = Pattern.compile("\"([0-9-]+)\"");

    private EdgeOnLog onLog;
    private TestEdge edge;

    private void start(String log) throws Exception {
        onLog = EdgeOnLog.start(log, UnaryOperator.identity());
        edge = onLog.edge();
    }

    @AfterEach
    void stop() {
        if (onLog != null) {
            onLog.close();
        }
    }

    private RawResponse post(EventType... types) throws Exception {
        return post("a1", types);
    }

    private RawResponse post(String asset, EventType... types) throws Exception {
        StringBuilder body = new StringBuilder(types.length > 1 ? "[" : "");
        for (int i = 0; i < types.length; i++) {
            body.append(i == 0 ? "" : ",").append(Events.json(types[i], TestEdge.PROJECT, asset));
        }
        return HttpWire.exchange(
                edge.port(),
                HttpWire.request(
                        "POST",
                        "/internal/events",
                        body.append(types.length > 1 ? "]" : "").toString(),
                        AUTH));
    }

    private static List<String> ids(RawResponse response) {
        assertEquals(200, response.status(), response.bodyText());
        Matcher matcher = ID.matcher(response.bodyText());
        return matcher.results().map(match -> match.group(1)).toList();
    }

    /** The asset's whole stream, which must end by itself at its terminal event. */
    private List<String> assetStream(String asset) throws Exception {
        try (SseClient stream = SseClient.open(edge.port(), TestEdge.assetPath(asset))) {
            assertEquals(200, stream.status());
            assertTrue(stream.awaitEnd(WAIT), "the asset's stream ends at its terminal event");
            return SseClient.parseBlocks(stream.rawBody()).stream()
                    .filter(block -> block.id() != null)
                    .map(block -> block.event() + "@" + block.id())
                    .toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void anEventAfterTheTerminalOneIs409NamingIt(String log) throws Exception {
        start(log);
        List<String> ids = ids(post(EventType.QUEUED, EventType.READY));
        String queued = ids.get(0);
        String ready = ids.get(1);
        RawResponse late = post(EventType.CANCELLED);
        assertEquals(409, late.status());
        assertEquals(
                "{\"error\":\"asset_ended\",\"message\":\"asset a1 ended at " + ready + "; only webhook_* events"
                        + " may follow its terminal event\",\"terminal_id\":\"" + ready + "\"}\n",
                late.bodyText());
        assertEquals(List.of("queued@" + queued, "ready@" + ready), assetStream("a1"));
        assertEquals(
                204,
                HttpWire.get(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + ready)
                        .status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void aWebhookEventAfterTheTerminalOneGoesToTheProjectFeedOnly(String log) throws Exception {
        start(log);
        String queued = ids(post(EventType.QUEUED)).get(0);
        String ready = ids(post(EventType.READY)).get(0);
        try (SseClient live = SseClient.open(edge.port(), FEED, TestEdge.cookie(TestEdge.SESSION))) {
            edge.awaitOpenStreams(1);
            String delivered = ids(post(EventType.WEBHOOK_DELIVERED)).get(0);
            SseBlock block = live.nextEvent(WAIT);
            assertEquals("webhook_delivered@" + delivered, block.event() + "@" + block.id(), "live on the feed");
            try (SseClient resumed =
                    SseClient.open(edge.port(), FEED, TestEdge.cookie(TestEdge.SESSION), "Last-Event-ID: 0")) {
                assertEquals(
                        List.of(queued, ready, delivered),
                        resumed.events(3, WAIT).stream().map(SseBlock::id).toList(),
                        "replayed on the feed");
            }
        }
        assertEquals(
                List.of("queued@" + queued, "ready@" + ready),
                assetStream("a1"),
                "the asset's stream still ends at ready");
        assertEquals(
                204,
                HttpWire.get(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + ready)
                        .status());
    }

    @Test
    void aWebhookEventDoesNotExtendAFinishedAssetsLifetimeOnRedis() throws Exception {
        start("redis");
        ids(post(EventType.QUEUED, EventType.READY));
        ids(post(EventType.WEBHOOK_DELIVERED));
        RedisKeys keys = new RedisKeys(onLog.prefix(), 1);
        RedisClient client = RedisClient.create(EdgeOnLog.REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            long owner = connection.sync().ttl(keys.owner(0, "a1"));
            long asset = connection.sync().ttl(keys.asset(0, "a1"));
            // The finished lifetime is --retention-age (1 h); a running asset's, 24 h.
            assertTrue(
                    owner > 0 && owner <= 3600 && asset > 0 && asset <= 3600,
                    "still a finished asset's lifetime: owner " + owner + " s, stream " + asset + " s");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aWebhookEventDoesNotExtendAFinishedAssetsLifetimeInTheEmbeddedLog() throws Exception {
        onLog = EdgeOnLog.start(EdgeOnLog.EMBEDDED, config -> config.retentionAge(Duration.ofSeconds(2)));
        edge = onLog.edge();
        ids(post(EventType.QUEUED, EventType.READY));
        // Events age by their id's milliseconds: the webhook event must be clearly younger.
        Thread.sleep(1000);
        ids(post(EventType.WEBHOOK_DELIVERED));
        Poll.until(
                () -> types(StreamRef.project(TestEdge.PROJECT)).equals(List.of(EventType.WEBHOOK_DELIVERED)),
                Duration.ofSeconds(5),
                "the terminal event to age out of the project feed");
        assertFalse(
                edge.server().log().read(StreamRef.asset("a1"), null, 10).get().found(),
                "the asset went with its terminal event; the later webhook event is not in its stream");
    }

    private List<EventType> types(StreamRef stream) {
        try {
            return edge.server().log().read(stream, null, 10).get().events().stream()
                    .map(LoggedEvent::type)
                    .toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void withinABatchTheRuleAppliesEventByEventAndARefusalRefusesTheWholeBatch(String log) throws Exception {
        start(log);
        List<String> written = ids(post("a2", EventType.QUEUED, EventType.READY, EventType.WEBHOOK_DISPATCHED));
        assertEquals(3, written.size());
        assertEquals(List.of("queued@" + written.get(0), "ready@" + written.get(1)), assetStream("a2"));

        RawResponse refused =
                post("a3", EventType.QUEUED, EventType.READY, EventType.WEBHOOK_DISPATCHED, EventType.CANCELLED);
        assertEquals(409, refused.status());
        assertEquals(
                "{\"error\":\"asset_ended\",\"message\":\"asset a3 ended at index 1 of this batch; only webhook_*"
                        + " events may follow its terminal event\",\"index\":3}\n",
                refused.bodyText());
        assertFalse(
                edge.server().log().read(StreamRef.asset("a3"), null, 1).get().found(), "nothing of the batch");
    }
}
