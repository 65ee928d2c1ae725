package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HEAD gets the status and headers GET gets, and no body (RFC 9110 section 9.3.2), on every route;
 * a kept-alive connection goes on after it with the next response starting right after the head.
 * HEAD on a stream route opens no stream.
 */
class HeadRequestTest {
    private static final String FEED = "/api/projects/" + TestEdge.PROJECT + "/activity";
    private static final String OPENED = "motioness_streams_opened_total{route=\"public_asset\"}";

    private static TestEdge edge;

    @BeforeAll
    static void start() throws Exception {
        edge = TestEdge.start();
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    private static String request(String method, String target, String version, String... headerLines) {
        StringBuilder request = new StringBuilder(method)
                .append(' ')
                .append(target)
                .append(' ')
                .append(version)
                .append("\r\nHost: 127.0.0.1\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /**
     * HEAD, then a GET of an unknown route, on one kept-alive connection: returns the HEAD's head,
     * after checking that the 404 follows it at once (a body after the head would be read as the
     * 404's status line).
     */
    private static RawResponse headThenNextRequest(String target, String... headerLines) throws IOException {
        try (Socket socket = HttpWire.connect(edge.port())) {
            socket.getOutputStream()
                    .write((request("HEAD", target, "HTTP/1.1", headerLines)
                                    + request("GET", "/nope", "HTTP/1.1", "Connection: close"))
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            RawResponse head = HttpWire.readHead(in);
            RawResponse next = HttpWire.readResponse(in);
            assertEquals(404, next.status(), "the response after HEAD " + target + " parses: " + next.bodyText());
            assertTrue(next.bodyText().startsWith("{\"error\":\"not_found\""), next.bodyText());
            assertEquals(-1, in.read(), "nothing else");
            return head;
        }
    }

    /** The head GET gets, read on a connection of its own (a stream's GET holds its connection). */
    private static RawResponse getHead(String target, String... headerLines) throws IOException {
        try (Socket socket = HttpWire.connect(edge.port())) {
            socket.getOutputStream()
                    .write(request("GET", target, "HTTP/1.1", headerLines).getBytes(StandardCharsets.US_ASCII));
            return HttpWire.readHead(socket.getInputStream());
        }
    }

    @Test
    void headOnEveryRouteGetsTheStatusAndHeadersOfGetAndNoBody() throws Exception {
        String cookie = TestEdge.cookie(TestEdge.SESSION);
        String[][] requests = {
            {TestEdge.assetPath("a1")},
            {TestEdge.assetPath("not-yet")},
            {TestEdge.assetPath("a1"), "Origin: https://anyone.example"},
            {"/api/assets/a1/events", cookie},
            {FEED, cookie},
            {FEED, cookie, "Origin: " + TestEdge.ORIGIN},
            {"/dashboard/"},
            {"/dashboard/dashboard.js"},
            {"/dashboard?project=p1"},
            // Errors: the same status and headers, Content-Length included, and no body.
            {"/v1/not-a-key-000000/events/a1"},
            {TestEdge.assetPath("bad%20id")},
            {TestEdge.assetPath("a1"), "Last-Event-ID: abc"},
            {"/api/assets/a1/events"},
            {"/api/projects/" + TestEdge.OTHER_PROJECT + "/activity", cookie},
            {FEED, cookie, "Origin: https://evil.example"},
            {"/dashboard/missing.js"},
            {"/internal/events"},
            {"/nope"},
        };
        for (String[] request : requests) {
            String target = request[0];
            String[] headerLines = java.util.Arrays.copyOfRange(request, 1, request.length);
            RawResponse head = headThenNextRequest(target, headerLines);
            RawResponse get = getHead(target, headerLines);
            String what = "HEAD " + String.join(" | ", request);
            assertEquals(get.status(), head.status(), what);
            assertEquals(get.headers(), head.headers(), what);
        }
    }

    @Test
    void headOnAStreamRouteOpensNoStream() throws Exception {
        double opened = edge.counter(OPENED);
        RawResponse head = headThenNextRequest(TestEdge.assetPath("a1"));
        assertEquals(200, head.status());
        assertEquals("text/event-stream; charset=utf-8", head.header("content-type"));
        assertEquals("chunked", head.header("transfer-encoding"));
        assertEquals(opened, edge.counter(OPENED), "no stream was opened");
        edge.awaitOpenStreams(0);
    }

    @Test
    void headOnAStreamRouteInHttp10GetsTheSameCloseDelimitedHeadAndTheClose() throws Exception {
        try (Socket socket = HttpWire.connect(edge.port())) {
            socket.getOutputStream()
                    .write(("HEAD " + TestEdge.assetPath("a1") + " HTTP/1.0\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            RawResponse head = HttpWire.readHead(in);
            assertEquals(-1, in.read(), "no body, and the connection ends as GET's would");
            try (SseClient get = SseClient.openWithVersion(edge.port(), TestEdge.assetPath("a1"), "HTTP/1.0")) {
                assertEquals(get.status(), head.status());
                assertEquals(get.headers(), head.headers());
            }
        }
    }

    @Test
    void streamRoutesNameHeadAmongTheirMethods() throws Exception {
        RawResponse post = HttpWire.exchange(edge.port(), HttpWire.request("DELETE", TestEdge.assetPath("a1"), null));
        assertEquals(405, post.status());
        assertEquals("GET, HEAD, OPTIONS", post.header("allow"));
    }
}
