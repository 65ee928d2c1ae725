package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.motioness.edge.log.StreamRef;
import com.motioness.edge.support.EdgeOnLog;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * POST /internal/events with Idempotency-Key, on both logs: a retry with the same key and the same
 * events stores nothing and answers the first ids; the same key with other events is 422.
 */
class IdempotentIngestTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String AUTH = "Authorization: Bearer " + TestEdge.INGEST_TOKEN;

    private EdgeOnLog onLog;
    private TestEdge edge;

    private void start(String log, UnaryOperator<com.motioness.edge.config.EdgeConfig.Builder> tweak) throws Exception {
        onLog = EdgeOnLog.start(log, tweak);
        edge = onLog.edge();
    }

    @AfterEach
    void stop() {
        if (onLog != null) {
            onLog.close();
        }
    }

    private RawResponse post(String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 1];
        all[0] = AUTH;
        System.arraycopy(headers, 0, all, 1, headers.length);
        return HttpWire.exchange(edge.port(), HttpWire.request("POST", "/internal/events", body, all));
    }

    private static String batch(String... events) {
        return "[" + String.join(",", events) + "]";
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void aRetryWithTheSameKeyAndEventsStoresNothingAndAnswersTheFirstIds(String log) throws Exception {
        start(log, UnaryOperator.identity());
        String queued = Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1");
        String started = Events.json(EventType.VISION_STARTED, TestEdge.PROJECT, "a1");
        RawResponse first = post(batch(queued, started), "Idempotency-Key: batch-1");
        assertEquals(200, first.status(), first.bodyText());
        assertNull(first.header("idempotent-replayed"));
        // The same events written differently (spacing, field order) are the same batch: what is
        // compared is what the log stores.
        String respaced = "[ "
                + queued.replace("{\"type\":\"queued\",", "{ \"attempt\":1, \"type\":\"queued\",")
                        .replace(",\"attempt\":1,", ",")
                + " ,\n " + started + " ]";
        RawResponse retry = post(respaced, "Idempotency-Key: batch-1");
        assertEquals(200, retry.status(), retry.bodyText());
        assertEquals("true", retry.header("idempotent-replayed"));
        assertEquals(first.bodyText(), retry.bodyText(), "the first success's ids");
        RawResponse next =
                post(Events.json(EventType.VISION_COMPLETED, TestEdge.PROJECT, "a1"), "Idempotency-Key: batch-2");
        assertEquals(200, next.status(), next.bodyText());
        try (SseClient stream = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
            List<String> types =
                    stream.events(3, WAIT).stream().map(SseBlock::event).toList();
            assertEquals(List.of("queued", "vision_started", "vision_completed"), types, "each event once");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void theSameKeyWithOtherEventsIs422AndStoresNothing(String log) throws Exception {
        start(log, UnaryOperator.identity());
        assertEquals(
                200,
                post(Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1"), "Idempotency-Key: k-1")
                        .status());
        RawResponse reused = post(Events.json(EventType.QUEUED, TestEdge.PROJECT, "a2"), "Idempotency-Key: k-1");
        assertEquals(422, reused.status());
        assertEquals(
                "{\"error\":\"idempotency_key_reused\",\"message\":\"Idempotency-Key k-1 was used for a different"
                        + " batch within the idempotency window\"}\n",
                reused.bodyText());
        assertFalse(holds("a2"), "nothing was written");
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void aRefusedBatchLeavesItsKeyFree(String log) throws Exception {
        start(log, UnaryOperator.identity());
        String invalid =
                Events.json(EventType.STAGE_COMPLETED, TestEdge.PROJECT, "a1").replaceAll(",\"latency_ms\":\\d+", "");
        assertEquals(400, post(invalid, "Idempotency-Key: fix-me").status());
        String valid = Events.json(EventType.STAGE_COMPLETED, TestEdge.PROJECT, "a1");
        RawResponse fixed = post(valid, "Idempotency-Key: fix-me");
        assertEquals(200, fixed.status(), fixed.bodyText());
        assertNull(fixed.header("idempotent-replayed"));
        assertEquals(
                "true",
                post(valid, "Idempotency-Key: fix-me").header("idempotent-replayed"),
                "the key now names the stored batch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void afterTheWindowAKeyNamesANewBatch(String log) throws Exception {
        start(log, config -> config.idempotencyWindow(Duration.ofSeconds(1)).retentionAge(Duration.ofSeconds(1)));
        String body = Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1");
        RawResponse first = post(body, "Idempotency-Key: short-lived");
        assertEquals(200, first.status(), first.bodyText());
        assertEquals("true", post(body, "Idempotency-Key: short-lived").header("idempotent-replayed"), "within it");
        RawResponse[] later = new RawResponse[1];
        Poll.until(
                () -> {
                    try {
                        later[0] = post(body, "Idempotency-Key: short-lived");
                        return later[0].header("idempotent-replayed") == null;
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                },
                Duration.ofSeconds(5),
                "the key to be forgotten after its window");
        assertEquals(200, later[0].status(), later[0].bodyText());
        assertNotEquals(first.bodyText(), later[0].bodyText(), "stored again, under a new id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void aMalformedKeyIs400(String log) throws Exception {
        start(log, UnaryOperator.identity());
        String body = Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1");
        String expected = "{\"error\":\"invalid_idempotency_key\",\"message\":\"Idempotency-Key must be one header of 1"
                + " to 255 printable ASCII characters (0x21-0x7E)\"}\n";
        for (String[] headers : new String[][] {
            {"Idempotency-Key: "},
            {"Idempotency-Key: " + "k".repeat(256)},
            {"Idempotency-Key: two words"},
            {"Idempotency-Key: caf\u00e9"},
            {"Idempotency-Key: one", "Idempotency-Key: two"}
        }) {
            RawResponse refused = post(body, headers);
            assertEquals(400, refused.status(), String.join(" / ", headers));
            assertEquals(expected, refused.bodyText());
        }
        assertFalse(holds("a1"), "nothing was written");
        assertEquals(200, post(body, "Idempotency-Key: " + "k".repeat(255)).status(), "255 characters are fine");
    }

    /** Whether the log holds an asset: after a refused append it must not. */
    private boolean holds(String assetId) throws Exception {
        return edge.server().log().read(StreamRef.asset(assetId), null, 1).get().found();
    }
}
