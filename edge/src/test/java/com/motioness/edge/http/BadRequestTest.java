package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.LookAlike;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every bad input gets its status and a short JSON error naming what was wrong; nothing crashes. */
class BadRequestTest {
    private static TestEdge edge;

    @BeforeAll
    static void start() throws Exception {
        edge = TestEdge.start(config -> config.headerTimeout(Duration.ofMillis(300)));
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
        edge.append(Events.of(EventType.QUEUED, TestEdge.OTHER_PROJECT, "b1"));
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    private static void assertError(RawResponse response, int status, String code) {
        assertEquals(status, response.status(), response.bodyText());
        assertEquals("application/json; charset=utf-8", response.header("content-type"));
        assertTrue(response.bodyText().startsWith("{\"error\":\"" + code + "\",\"message\":\""), response.bodyText());
    }

    @Test
    void malformedCursorsAre400NeverAFullReplay() throws Exception {
        for (String bad : new String[] {"abc", "-1", "1-", "1--2", "12 3", "99999999999999999999"}) {
            RawResponse response = HttpWire.get(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + bad);
            assertError(response, 400, "malformed_cursor");
            assertTrue(response.bodyText().contains("Last-Event-ID"), response.bodyText());
        }
        RawResponse query = HttpWire.get(edge.port(), TestEdge.assetPath("a1") + "?lastEventId=x1");
        assertError(query, 400, "malformed_cursor");
        assertTrue(query.bodyText().contains("lastEventId"), query.bodyText());
    }

    @Test
    void anUnknownProjectKeyIs401() throws Exception {
        assertError(HttpWire.get(edge.port(), "/v1/not-a-key-000000/events/a1"), 401, "unknown_project_key");
    }

    @Test
    void anAssetOfAnotherProjectLooksLikeAMissingOne() throws Exception {
        try (SseClient other = SseClient.open(edge.port(), TestEdge.assetPath("b1"));
                SseClient missing = SseClient.open(edge.port(), TestEdge.assetPath("nope"))) {
            LookAlike.assertIndistinguishable(other, missing);
        }
    }

    @Test
    void anInvalidIdInThePathIs400() throws Exception {
        assertError(HttpWire.get(edge.port(), TestEdge.assetPath("bad%20id")), 400, "invalid_id");
        assertError(
                HttpWire.get(
                        edge.port(),
                        "/api/projects/" + "p".repeat(129) + "/activity",
                        TestEdge.cookie(TestEdge.SESSION)),
                400,
                "invalid_id");
    }

    @Test
    void cookieRoutesNeedASession() throws Exception {
        assertError(HttpWire.get(edge.port(), "/api/assets/a1/events"), 401, "unauthenticated");
        assertError(
                HttpWire.get(edge.port(), "/api/assets/a1/events", "Cookie: better-auth.session_token=wrong"),
                401,
                "unauthenticated");
        assertError(
                HttpWire.get(
                        edge.port(),
                        "/api/projects/" + TestEdge.OTHER_PROJECT + "/activity",
                        TestEdge.cookie(TestEdge.SESSION)),
                403,
                "forbidden");
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405() throws Exception {
        assertError(HttpWire.get(edge.port(), "/nope"), 404, "not_found");
        assertError(HttpWire.get(edge.port(), "/v1/" + TestEdge.KEY + "/events/a1/extra"), 404, "not_found");
        RawResponse post = HttpWire.exchange(edge.port(), HttpWire.request("POST", TestEdge.assetPath("a1"), "{}"));
        assertError(post, 405, "method_not_allowed");
        assertEquals("GET, HEAD, OPTIONS", post.header("allow"));
        RawResponse getIngest = HttpWire.get(edge.port(), "/internal/events");
        assertError(getIngest, 405, "method_not_allowed");
        assertEquals("POST", getIngest.header("allow"));
    }

    @Test
    void oversizedRequestLineAndHeadersAre431() throws Exception {
        assertError(HttpWire.get(edge.port(), "/v1/" + "k".repeat(5000) + "/events/a1"), 431, "request_line_too_large");
        assertError(
                HttpWire.get(edge.port(), TestEdge.assetPath("a1"), "X-Big: " + "v".repeat(9000)),
                431,
                "headers_too_large");
    }

    @Test
    void garbageIs400() throws Exception {
        assertError(HttpWire.exchange(edge.port(), "NOT HTTP AT ALL\r\n\r\n"), 400, "bad_request");
    }

    @Test
    void aClientThatSendsItsHeadersTooSlowlyIsAnswered408AndClosed() throws Exception {
        try (Socket socket = HttpWire.connect(edge.port())) {
            socket.getOutputStream().write("GET /v1/".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            long start = System.nanoTime();
            RawResponse response = HttpWire.readResponse(in);
            assertError(response, 408, "request_timeout");
            assertEquals(-1, in.read(), "closed after the answer");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
        }
    }

    @Test
    void keepAliveConnectionsServeSeveralAnswers() throws Exception {
        try (Socket socket = HttpWire.connect(edge.port())) {
            String request = "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n";
            socket.getOutputStream().write((request + request).getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertError(HttpWire.readResponse(in), 404, "not_found");
            assertError(HttpWire.readResponse(in), 404, "not_found");
        }
    }

    @Test
    void theServerSurvivesEveryBadRequestAndStillStreams() throws Exception {
        try (var client = com.motioness.edge.support.SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
            assertEquals(200, client.status());
            assertEquals("queued", client.nextEvent(Duration.ofSeconds(5)).event());
        }
    }
}
