package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.ErrorAnswers;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One request, one response: a body the edge will not read (sent to a route that takes none, or
 * to ingest refused before its body) gets exactly one error answer, and the connection closes
 * after it; never a 405 followed by a 400 or a 408 for the same request.
 */
class OneAnswerPerRequestTest {
    private static final String AUTH = "Authorization: Bearer " + TestEdge.INGEST_TOKEN;

    private static TestEdge edge;

    @BeforeAll
    static void start() throws Exception {
        // A short request timeout: a second answer (408) to a body nobody reads comes quickly.
        edge = TestEdge.start(config -> config.headerTimeout(Duration.ofMillis(300)));
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    /** Sends a keep-alive request (HTTP/1.1, no Connection: close) and returns its only answer. */
    private static RawResponse onlyAnswer(String requestLine, String... headerLinesAndBody) throws Exception {
        StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < headerLinesAndBody.length - 1; i++) {
            request.append(headerLinesAndBody[i]).append("\r\n");
        }
        request.append("\r\n").append(headerLinesAndBody[headerLinesAndBody.length - 1]);
        RawResponse answer = HttpWire.exchangeThenClosed(edge.port(), request.toString());
        assertEquals("close", answer.header("connection"), requestLine + ": the answer says the connection ends");
        return answer;
    }

    private static void assertError(RawResponse response, int status, String code) {
        ErrorAnswers.assertError(response, status, code, "the answer");
    }

    @Test
    void aBodyOnARouteThatTakesNoneIsOneErrorThenTheClose() throws Exception {
        String stream = TestEdge.assetPath("a1");
        // A method the route does not take: 405 alone, whatever the body looks like.
        assertError(
                onlyAnswer("POST " + stream, "Content-Length: 99999999999", "{\"partial\":"),
                405,
                "method_not_allowed");
        assertError(
                onlyAnswer("POST " + stream, "Transfer-Encoding: chunked", "zz\r\nnot a chunk\r\n"),
                405,
                "method_not_allowed");
        assertError(onlyAnswer("PUT /dashboard/", "Content-Length: 5000000", "x"), 405, "method_not_allowed");
        assertError(onlyAnswer("POST /nope", "Content-Length: 1000", "x"), 404, "not_found");
        // A method the route takes, with a body it does not: 400 naming the body, read no further.
        for (String target : new String[] {stream, "/dashboard/", "/api/projects/" + TestEdge.PROJECT + "/activity"}) {
            RawResponse huge = onlyAnswer("GET " + target, "Content-Length: 99999999999", "");
            assertError(huge, 400, "bad_request");
            assertTrue(huge.bodyText().contains("body"), huge.bodyText());
            assertError(onlyAnswer("GET " + target, "Transfer-Encoding: chunked", "zz\r\n"), 400, "bad_request");
            assertError(onlyAnswer("GET " + target, "Content-Length: 5", "hello"), 400, "bad_request");
        }
        assertError(
                onlyAnswer("OPTIONS " + stream, "Origin: https://anyone.example", "Content-Length: 2", "{}"),
                400,
                "bad_request");
    }

    @Test
    void ingestRefusedBeforeItsBodyIsOneErrorThenTheClose() throws Exception {
        assertError(
                onlyAnswer(
                        "POST /internal/events", "Authorization: Bearer wrong", "Content-Length: 1000", "[{\"type\":"),
                401,
                "unauthenticated");
        assertError(
                onlyAnswer(
                        "POST /internal/events", AUTH, "Idempotency-Key: a b", "Content-Length: 1000", "[{\"type\":"),
                400,
                "invalid_idempotency_key");
        assertError(
                onlyAnswer("POST /internal/events", AUTH, "Content-Length: 99999999999", "["), 413, "body_too_large");
        // GET on ingest: the route takes POST only.
        assertError(onlyAnswer("GET /internal/events", "Content-Length: 3", "abc"), 405, "method_not_allowed");
    }

    @Test
    void aMalformedChunkOfAnIngestBodyIsOneError() throws Exception {
        assertError(
                onlyAnswer("POST /internal/events", AUTH, "Transfer-Encoding: chunked", "zz\r\n[]\r\n0\r\n\r\n"),
                400,
                "bad_request");
    }

    @Test
    void garbageIsOneErrorThenTheClose() throws Exception {
        for (String garbage : new String[] {
            "NOT HTTP AT ALL\r\n\r\n",
            "GET / FOO\r\n\r\n",
            "GET /nope HTTP/1.1\r\nHost : x\r\n\r\n",
            "GET /nope HTTP/1.1\nHost: x\n\n"
        }) {
            assertError(HttpWire.exchangeThenClosed(edge.port(), garbage), 400, "bad_request");
        }
    }

    @Test
    void aGetWithoutBodyStillKeepsItsConnection() throws Exception {
        // Content-Length: 0 is no body: some clients send it on every request.
        try (java.net.Socket socket = HttpWire.connect(edge.port())) {
            String request = "GET /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
            socket.getOutputStream().write((request + request).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            assertError(HttpWire.readResponse(in), 404, "not_found");
            assertError(HttpWire.readResponse(in), 404, "not_found");
        }
    }
}
