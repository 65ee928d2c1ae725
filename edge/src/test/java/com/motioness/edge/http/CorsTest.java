package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cross-origin rules: any origin without credentials on the key route, configured ones on cookies. */
class CorsTest {
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

    @Test
    void thePublicRouteAllowsAnyOriginWithoutCredentials() throws Exception {
        try (SseClient client =
                SseClient.open(edge.port(), TestEdge.assetPath("a1"), "Origin: https://anyone.example")) {
            assertEquals(200, client.status());
            assertEquals("*", client.header("access-control-allow-origin"));
            assertNull(client.header("access-control-allow-credentials"));
            assertEquals(
                    "X-Motioness-Replay-Truncated, X-Motioness-Cursor-Ahead",
                    client.header("access-control-expose-headers"));
        }
    }

    @Test
    void thePublicRouteAnswersPreflightIncludingLastEventId() throws Exception {
        RawResponse preflight = HttpWire.exchange(
                edge.port(),
                HttpWire.request(
                        "OPTIONS",
                        TestEdge.assetPath("a1"),
                        null,
                        "Origin: https://anyone.example",
                        "Access-Control-Request-Method: GET",
                        "Access-Control-Request-Headers: last-event-id"));
        assertEquals(204, preflight.status());
        assertEquals("*", preflight.header("access-control-allow-origin"));
        assertEquals("GET, OPTIONS", preflight.header("access-control-allow-methods"));
        assertTrue(preflight.header("access-control-allow-headers").contains("Last-Event-ID"));
        assertEquals("86400", preflight.header("access-control-max-age"));
    }

    @Test
    void cookieRoutesAllowConfiguredOriginsWithCredentials() throws Exception {
        try (SseClient client = SseClient.open(
                edge.port(),
                "/api/assets/a1/events",
                TestEdge.cookie(TestEdge.SESSION),
                "Origin: " + TestEdge.ORIGIN)) {
            assertEquals(200, client.status());
            assertEquals(TestEdge.ORIGIN, client.header("access-control-allow-origin"));
            assertEquals("true", client.header("access-control-allow-credentials"));
            assertEquals("Origin", client.header("vary"));
        }
        RawResponse preflight = HttpWire.exchange(
                edge.port(),
                HttpWire.request(
                        "OPTIONS",
                        "/api/projects/" + TestEdge.PROJECT + "/activity",
                        null,
                        "Origin: " + TestEdge.ORIGIN,
                        "Access-Control-Request-Method: GET",
                        "Access-Control-Request-Headers: last-event-id"));
        assertEquals(204, preflight.status());
        assertEquals(TestEdge.ORIGIN, preflight.header("access-control-allow-origin"));
        assertEquals("true", preflight.header("access-control-allow-credentials"));
        assertTrue(preflight.header("access-control-allow-headers").contains("Last-Event-ID"));
    }

    @Test
    void cookieRoutesNeverReflectAnArbitraryOrigin() throws Exception {
        RawResponse stream = HttpWire.get(
                edge.port(),
                "/api/assets/a1/events",
                TestEdge.cookie(TestEdge.SESSION),
                "Origin: https://evil.example");
        assertEquals(403, stream.status());
        assertTrue(stream.bodyText().contains("origin_not_allowed"));
        assertNull(stream.header("access-control-allow-origin"));
        RawResponse preflight = HttpWire.exchange(
                edge.port(),
                HttpWire.request(
                        "OPTIONS",
                        "/api/assets/a1/events",
                        null,
                        "Origin: https://evil.example",
                        "Access-Control-Request-Method: GET"));
        assertEquals(403, preflight.status());
        assertNull(preflight.header("access-control-allow-origin"));
    }

    @Test
    void cookieRoutesServeClientsWithoutOrigin() throws Exception {
        try (SseClient curl = SseClient.open(edge.port(), "/api/assets/a1/events", TestEdge.cookie(TestEdge.SESSION))) {
            assertEquals(200, curl.status());
            assertNull(curl.header("access-control-allow-origin"));
        }
    }
}
