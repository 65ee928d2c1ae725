package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.log.StreamRef;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /internal/events: bearer-protected, all-or-nothing, answers the assigned ids. */
class IngestTest {
    private static final String AUTH = "Authorization: Bearer " + TestEdge.INGEST_TOKEN;

    private TestEdge edge;

    @BeforeEach
    void start() throws Exception {
        edge = TestEdge.start(config -> config.maxIngestBytes(64 * 1024));
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    private RawResponse post(String body, String... headers) throws Exception {
        return HttpWire.exchange(edge.port(), HttpWire.request("POST", "/internal/events", body, headers));
    }

    /** Whether the log holds an asset: after a refused append it must not. */
    private boolean holds(String assetId) throws Exception {
        return edge.server().log().read(StreamRef.asset(assetId), null, 1).get().found();
    }

    @Test
    void oneEventIsAppendedAndItsIdReturnedThenStreamed() throws Exception {
        RawResponse response = post(Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1"), AUTH);
        assertEquals(200, response.status(), response.bodyText());
        assertTrue(response.bodyText().matches("\\{\"ids\":\\[\"\\d+\"]}\\n"), response.bodyText());
        String id = response.bodyText().replaceAll("\\D", "");
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
            SseBlock block = client.nextEvent(Duration.ofSeconds(5));
            assertEquals(id, block.id());
            assertEquals(
                    Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1").replaceAll("req-\\d+", ""),
                    block.data().replaceAll("req-\\d+", ""));
        }
    }

    @Test
    void aBatchGetsIdsInOrder() throws Exception {
        String batch = "[" + Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1") + ","
                + Events.json(EventType.VISION_STARTED, TestEdge.PROJECT, "a1") + ","
                + Events.json(EventType.VISION_COMPLETED, TestEdge.PROJECT, "a1") + "]";
        RawResponse response = post(batch, AUTH);
        assertEquals(200, response.status(), response.bodyText());
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
            List<SseBlock> events = client.events(3, Duration.ofSeconds(5));
            String expected = "{\"ids\":[\"" + events.get(0).id() + "\",\""
                    + events.get(1).id() + "\",\"" + events.get(2).id() + "\"]}\n";
            assertEquals(expected, response.bodyText());
            assertEquals(
                    List.of("queued", "vision_started", "vision_completed"),
                    events.stream().map(SseBlock::event).toList());
        }
    }

    @Test
    void anInvalidEventNamesItsFieldAndIndexAndNothingOfTheBatchIsWritten() throws Exception {
        String invalid =
                Events.json(EventType.STAGE_COMPLETED, TestEdge.PROJECT, "a1").replaceAll(",\"latency_ms\":\\d+", "");
        String batch = "[" + Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1") + "," + invalid + "]";
        RawResponse response = post(batch, AUTH);
        assertEquals(400, response.status());
        assertTrue(
                response.bodyText().startsWith("{\"error\":\"invalid_event\",\"message\":\"latency_ms: "),
                response.bodyText());
        assertTrue(response.bodyText().contains("\"field\":\"latency_ms\",\"index\":1}"), response.bodyText());
        assertFalse(holds("a1"), "nothing was written");
    }

    @Test
    void unknownTypesAndBrokenJsonAre400() throws Exception {
        RawResponse unknown =
                post(Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1").replace("\"queued\"", "\"exploded\""), AUTH);
        assertEquals(400, unknown.status());
        assertTrue(unknown.bodyText().contains("\"field\":\"type\""), unknown.bodyText());
        RawResponse broken = post("{\"type\":", AUTH);
        assertEquals(400, broken.status());
        assertTrue(broken.bodyText().contains("\"field\":\"body\""), broken.bodyText());
    }

    @Test
    void anAssetCannotMoveToAnotherProject() throws Exception {
        assertEquals(
                200,
                post(Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1"), AUTH)
                        .status());
        RawResponse moved = post(Events.json(EventType.QUEUED, TestEdge.OTHER_PROJECT, "a1"), AUTH);
        assertEquals(400, moved.status());
        assertTrue(moved.bodyText().contains("\"field\":\"asset_id\""), moved.bodyText());
    }

    @Test
    void ingestNeedsTheBearerToken() throws Exception {
        String body = Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1");
        RawResponse none = post(body);
        assertEquals(401, none.status());
        assertEquals("Bearer", none.header("www-authenticate"));
        assertEquals(
                401, post(body, "Authorization: Bearer wrong-token-0123456789").status());
        assertFalse(holds("a1"));
    }

    @Test
    void anOversizedBodyIs413() throws Exception {
        RawResponse response = post("[" + "x".repeat(70 * 1024) + "]", AUTH);
        assertEquals(413, response.status());
        assertTrue(response.bodyText().contains("body_too_large"));
    }

    @Test
    void aChunkedOversizedBodyIs413() throws Exception {
        try (Socket socket = HttpWire.connect(edge.port())) {
            String head =
                    "POST /internal/events HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\nTransfer-Encoding: chunked\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            String chunk = "x".repeat(16 * 1024);
            InputStream in = socket.getInputStream();
            try {
                for (int i = 0; i < 6; i++) {
                    socket.getOutputStream()
                            .write((Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                }
            } catch (java.io.IOException closedEarly) {
                // The server may close as soon as it answered; the answer is still readable.
            }
            assertEquals(413, HttpWire.readResponse(in).status());
        }
    }

    @Test
    void ingestIsDisabledWithoutAToken() throws Exception {
        edge.close();
        edge = TestEdge.start(config -> config.ingestToken(null));
        RawResponse response = post(Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1"), AUTH);
        assertEquals(403, response.status());
        assertTrue(response.bodyText().contains("ingest_disabled"));
    }

    @Test
    void keepAliveProducersPostSeveralBatchesOnOneConnection() throws Exception {
        try (Socket socket = HttpWire.connect(edge.port())) {
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                String body = Events.json(EventType.QUEUED, TestEdge.PROJECT, "k" + i);
                requests.append("POST /internal/events HTTP/1.1\r\nHost: x\r\n")
                        .append(AUTH)
                        .append("\r\nContent-Length: ")
                        .append(body.length())
                        .append("\r\n\r\n")
                        .append(body);
            }
            socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, HttpWire.readResponse(in).status());
            }
        }
    }
}
