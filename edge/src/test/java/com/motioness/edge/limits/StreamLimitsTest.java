package com.motioness.edge.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Open and new streams per key, user and client address: refused with 429, released on close. */
class StreamLimitsTest {
    private static void assertTooMany(RawResponse response, String code, String named) {
        assertEquals(429, response.status(), response.bodyText());
        assertTrue(response.bodyText().startsWith("{\"error\":\"" + code + "\""), response.bodyText());
        assertTrue(response.bodyText().contains(named), response.bodyText());
        assertTrue(Integer.parseInt(response.header("retry-after")) >= 1);
    }

    @Test
    void openStreamsPerProjectKeyAreCappedAndReleasedWhenAStreamCloses() throws Exception {
        try (TestEdge edge = TestEdge.start(config -> config.maxStreamsPerKey(2))) {
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
            SseClient first = SseClient.open(edge.port(), TestEdge.assetPath("a1"));
            try (SseClient second = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
                assertEquals(200, first.status());
                assertEquals(200, second.status());
                assertTooMany(HttpWire.get(edge.port(), TestEdge.assetPath("a1")), "too_many_streams", "project key");
                first.close();
                edge.awaitOpenStreams(1);
                try (SseClient third = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
                    assertEquals(200, third.status(), "the closed stream gave its place back");
                }
            }
            edge.awaitOpenStreams(0);
            EventId ended = edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "a2"))
                    .get(0);
            assertEquals(
                    204,
                    HttpWire.get(edge.port(), TestEdge.assetPath("a2"), "Last-Event-ID: " + ended)
                            .status(),
                    "a refused 204 holds no place");
            edge.awaitOpenStreams(0);
            try (SseClient waiting = SseClient.open(edge.port(), TestEdge.assetPath("not-yet"));
                    SseClient a = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
                assertEquals(200, waiting.status(), "a stream that waits for its asset");
                assertEquals(200, a.status());
                // It holds a place like any stream.
                assertTooMany(HttpWire.get(edge.port(), TestEdge.assetPath("a1")), "too_many_streams", "project key");
            }
            edge.awaitOpenStreams(0);
            try (SseClient a = SseClient.open(edge.port(), TestEdge.assetPath("a1"));
                    SseClient b = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
                assertEquals(200, a.status());
                assertEquals(200, b.status(), "all places free again after 204s and closes");
            }
        }
    }

    @Test
    void openStreamsPerUserAreCapped() throws Exception {
        try (TestEdge edge = TestEdge.start(config -> config.maxStreamsPerUser(1));
                SseClient feed = SseClient.open(
                        edge.port(),
                        "/api/projects/" + TestEdge.PROJECT + "/activity",
                        TestEdge.cookie(TestEdge.SESSION))) {
            assertEquals(200, feed.status());
            assertTooMany(
                    HttpWire.get(
                            edge.port(),
                            "/api/projects/" + TestEdge.PROJECT + "/activity",
                            TestEdge.cookie(TestEdge.SESSION)),
                    "too_many_streams",
                    "this user");
            try (SseClient other = SseClient.open(
                    edge.port(),
                    "/api/projects/" + TestEdge.OTHER_PROJECT + "/activity",
                    TestEdge.cookie(TestEdge.OTHER_SESSION))) {
                assertEquals(200, other.status(), "another user has their own count");
            }
        }
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsCountedElseTheConnection() throws Exception {
        try (TestEdge edge =
                TestEdge.start(config -> config.maxStreamsPerAddress(1).trustedProxies(List.of("127.0.0.0/8")))) {
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
            try (SseClient first = SseClient.open(
                            edge.port(), TestEdge.assetPath("a1"), "X-Forwarded-For: 198.51.100.1, 203.0.113.5");
                    SseClient other =
                            SseClient.open(edge.port(), TestEdge.assetPath("a1"), "X-Forwarded-For: 203.0.113.6")) {
                assertEquals(200, first.status());
                assertEquals(200, other.status(), "another client behind the same proxy");
                assertTooMany(
                        HttpWire.get(edge.port(), TestEdge.assetPath("a1"), "X-Forwarded-For: 203.0.113.5"),
                        "too_many_streams",
                        "address 203.0.113.5");
            }
        }
        try (TestEdge edge = TestEdge.start(config -> config.maxStreamsPerAddress(1))) {
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
            try (SseClient first =
                    SseClient.open(edge.port(), TestEdge.assetPath("a1"), "X-Forwarded-For: 203.0.113.5")) {
                assertEquals(200, first.status());
                assertTooMany(
                        HttpWire.get(edge.port(), TestEdge.assetPath("a1"), "X-Forwarded-For: 203.0.113.9"),
                        "too_many_streams",
                        "address 127.0.0.1");
            }
        }
    }

    @Test
    void newStreamsPerAddressAreRateLimited() throws Exception {
        try (TestEdge edge = TestEdge.start(config -> config.newStreamsPerAddress(2))) {
            String ended = "Last-Event-ID: "
                    + edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "a1"))
                            .get(0);
            for (int i = 0; i < 4; i++) {
                assertEquals(
                        204,
                        HttpWire.get(edge.port(), TestEdge.assetPath("a1"), ended)
                                .status(),
                        "burst of twice the rate");
            }
            assertTooMany(
                    HttpWire.get(edge.port(), TestEdge.assetPath("a1"), ended), "too_many_new_streams", "127.0.0.1");
        }
    }

    @Test
    void theTokenBucketRefillsAtItsRate() {
        AtomicLong now = new AtomicLong();
        ConnectionRateLimiter limiter = new ConnectionRateLimiter(2, 4, 10, now::get);
        for (int i = 0; i < 4; i++) {
            assertEquals(0, limiter.tryAcquire("a"));
        }
        assertEquals(1, limiter.tryAcquire("a"), "empty: wait a second");
        assertEquals(0, limiter.tryAcquire("b"), "each address has its own bucket");
        now.addAndGet(500_000_000L);
        assertEquals(0, limiter.tryAcquire("a"), "half a second at 2/s refills one");
        assertEquals(1, limiter.tryAcquire("a"));
    }

    @Test
    void forwardedForIsReadFromTheRightSkippingTrustedProxies() {
        ClientAddresses addresses = new ClientAddresses(List.of("10.0.0.0/8", "::1"));
        InetSocketAddress proxy = new InetSocketAddress("10.1.2.3", 40000);
        assertEquals("203.0.113.5", addresses.clientOf(proxy, "198.51.100.1, 203.0.113.5, 10.9.9.9"));
        assertEquals("10.1.2.3", addresses.clientOf(proxy, null));
        assertEquals("203.0.113.5", addresses.clientOf(proxy, "garbage, 203.0.113.5"));
        assertEquals("10.1.2.3", addresses.clientOf(proxy, "not-an-address"), "no DNS lookups, no trust in names");
        assertEquals(
                "192.0.2.1",
                addresses.clientOf(new InetSocketAddress("192.0.2.1", 1), "203.0.113.5"),
                "an untrusted peer's header is ignored");
    }

    @Test
    void theRequestsOfOneAddressShareOneString() {
        ClientAddresses addresses = new ClientAddresses(List.of("10.0.0.0/8"));
        String first = addresses.clientOf(new InetSocketAddress("192.0.2.1", 40000), null);
        assertSame(first, addresses.clientOf(new InetSocketAddress("192.0.2.1", 40001), null));
        assertSame(first, addresses.clientOf(new InetSocketAddress("10.1.2.3", 40002), "192.0.2.1"));
        assertEquals("192.0.2.2", addresses.clientOf(new InetSocketAddress("192.0.2.2", 40000), null));
    }
}
