package com.motioness.edge.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.Scrape;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every metric of {@code /metrics} on the admin port, read over HTTP: each test makes the event
 * happen and sees its counter move by exactly what happened.
 */
class MetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String FEED = "/api/projects/" + TestEdge.PROJECT + "/activity";
    private static final String OPENED = "motioness_streams_opened_total{route=\"%s\"}";
    private static final String CLOSED = "motioness_streams_closed_total{reason=\"%2$s\",route=\"%1$s\"}";

    private TestEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    private void awaitMetric(String series, double expected) throws Exception {
        Poll.until(
                () -> {
                    try {
                        return edge.metric(series) == expected;
                    } catch (IOException e) {
                        return false;
                    }
                },
                WAIT,
                series + " == " + expected + " (now " + safeMetric(series) + ")");
    }

    private String safeMetric(String series) {
        try {
            return Double.toString(edge.metric(series));
        } catch (IOException | AssertionError e) {
            return e.getMessage();
        }
    }

    @Test
    void metricsHealthAndReadinessLiveOnTheAdminPortOnly() throws Exception {
        edge = TestEdge.start();
        assertTrue(edge.adminPort() > 0 && edge.adminPort() != edge.port());
        for (String path : new String[] {"/metrics", "/healthz", "/readyz"}) {
            assertEquals(404, HttpWire.get(edge.port(), path).status(), path + " is not on the public port");
        }
        RawResponse metrics = HttpWire.get(edge.adminPort(), "/metrics");
        assertEquals(200, metrics.status());
        assertTrue(
                metrics.header("content-type").startsWith("text/plain; version=0.0.4"), metrics.header("content-type"));
        assertTrue(metrics.bodyText().contains("# TYPE motioness_streams_opened_total counter"), metrics.bodyText());
        assertEquals(200, HttpWire.get(edge.adminPort(), "/healthz").status());
        RawResponse ready = HttpWire.get(edge.adminPort(), "/readyz");
        assertEquals(200, ready.status(), "embedded mode is always ready");
        assertEquals("{\"status\":\"ready\"}\n", ready.bodyText());
        assertEquals(404, HttpWire.get(edge.adminPort(), "/nope").status());
        assertEquals(
                405,
                HttpWire.exchange(edge.adminPort(), HttpWire.request("POST", "/metrics", ""))
                        .status());
    }

    @Test
    void theAdminPortCanBeTurnedOff() throws Exception {
        edge = TestEdge.start(config -> config.adminPort(-1));
        assertEquals(-1, edge.adminPort());
    }

    @Test
    void streamsOpenedAndClosedAreCountedByRouteAndReason() throws Exception {
        edge = TestEdge.start();
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
        try (SseClient asset = SseClient.open(edge.port(), TestEdge.assetPath("a1"));
                SseClient session =
                        SseClient.open(edge.port(), "/api/assets/a1/events", TestEdge.cookie(TestEdge.SESSION));
                SseClient feed = SseClient.open(edge.port(), FEED, TestEdge.cookie(TestEdge.SESSION))) {
            asset.nextEvent(WAIT);
            session.nextEvent(WAIT);
            edge.awaitOpenStreams(3);
            assertEquals(1, edge.metric(OPENED.formatted("public_asset")));
            assertEquals(1, edge.metric(OPENED.formatted("session_asset")));
            assertEquals(1, edge.metric(OPENED.formatted("project_activity")));
            assertEquals(1, edge.metric("motioness_streams_open{route=\"public_asset\"}"));
            assertEquals(0, edge.metric(CLOSED.formatted("public_asset", "terminal")));

            edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "a1"));
            assertTrue(asset.awaitEnd(WAIT));
            awaitMetric(CLOSED.formatted("public_asset", "terminal"), 1);
            awaitMetric(CLOSED.formatted("session_asset", "terminal"), 1);
            assertEquals(0, edge.metric("motioness_streams_open{route=\"public_asset\"}"));

            feed.socket().close();
            awaitMetric(CLOSED.formatted("project_activity", "client"), 1);
            assertEquals(0, edge.metric("motioness_streams_open{route=\"project_activity\"}"));
        }
        String ended = "Last-Event-ID: "
                + edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "a9"))
                        .get(0);
        assertEquals(
                204, HttpWire.get(edge.port(), TestEdge.assetPath("a9"), ended).status());
        assertEquals(1, edge.metric(OPENED.formatted("public_asset")), "a 204 is not an opened stream");
    }

    @Test
    void theCapClosesWithReasonCap() throws Exception {
        edge = TestEdge.start(config -> config.maxStreamDuration(Duration.ofMillis(300)));
        try (SseClient feed = SseClient.open(edge.port(), FEED, TestEdge.cookie(TestEdge.SESSION))) {
            assertTrue(feed.awaitEnd(WAIT));
        }
        awaitMetric(CLOSED.formatted("project_activity", "cap"), 1);
    }

    @Test
    void aSlowConsumerClosesWithReasonSlowConsumer() throws Exception {
        edge = TestEdge.start(config -> config.writeBufferHigh(16 * 1024).slowConsumerTimeout(Duration.ofMillis(300)));
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", edge.port()));
            stalled.getOutputStream()
                    .write(("GET " + FEED + " HTTP/1.1\r\nHost: x\r\n" + TestEdge.cookie(TestEdge.SESSION) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            edge.awaitOpenStreams(1);
            String big = "x".repeat(2000);
            for (int round = 0; edge.server().openStreams() > 0 && round < 400; round++) {
                AssetEvent[] batch = new AssetEvent[50];
                for (int i = 0; i < batch.length; i++) {
                    batch[i] = AssetEvent.builder(EventType.STAGE_FAILED)
                            .assetId("slow")
                            .projectId(TestEdge.PROJECT)
                            .ts(1)
                            .attempt(1)
                            .stage("render")
                            .error("E", big)
                            .requestId("r")
                            .build();
                }
                edge.append(batch);
            }
            edge.awaitOpenStreams(0);
        }
        awaitMetric(CLOSED.formatted("project_activity", "slow_consumer"), 1);
    }

    @Test
    void eventsInFramesOutAndBytesOutMoveWithDeliveries() throws Exception {
        edge = TestEdge.start();
        double inBefore = edge.metric("motioness_events_in_total");
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "nobody-watches"));
        awaitMetric("motioness_events_in_total", inBefore + 1);
        assertEquals(0, edge.metric("motioness_frames_out_total"), "no subscriber, no frame out");

        try (SseClient feed = SseClient.open(edge.port(), FEED, TestEdge.cookie(TestEdge.SESSION))) {
            edge.awaitOpenStreams(1);
            for (int i = 0; i < 5; i++) {
                edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a" + i));
            }
            feed.events(5, WAIT);
            awaitMetric("motioness_frames_out_total", 5);
            assertEquals(inBefore + 6, edge.metric("motioness_events_in_total"));
            byte[] received = feed.rawBody();
            double bytes = edge.metric("motioness_bytes_out_total");
            // The client's bytes are de-chunked and begin with the head's retry: line, which is
            // not an event frame; the counter has the chunk framing of the five frames.
            String retry = "retry: 3000\n\n";
            int eventBytes = received.length - retry.length();
            assertTrue(bytes > eventBytes && bytes <= eventBytes + 5 * 8, bytes + " vs " + eventBytes);
            assertEquals(0, edge.metric("motioness_replays_total"), "the live feed did not replay");
        }
    }

    @Test
    void replaysAndReplayedEventsAreCounted() throws Exception {
        edge = TestEdge.start();
        for (int i = 0; i < 3; i++) {
            edge.append(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "a1"));
        }
        try (SseClient asset = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
            asset.events(3, WAIT);
            awaitMetric("motioness_replays_total", 1);
            assertEquals(3, edge.metric("motioness_replayed_events_total"));
            assertEquals(3, edge.metric("motioness_frames_out_total"));
        }
    }

    @Test
    void pingsAreCounted() throws Exception {
        edge = TestEdge.start(config -> config.pingInterval(Duration.ofMillis(100)));
        try (SseClient feed = SseClient.open(edge.port(), FEED, TestEdge.cookie(TestEdge.SESSION))) {
            feed.until(block -> block.isPing(), WAIT);
            Poll.until(() -> safeValue("motioness_pings_total") >= 1, WAIT, "a ping counted");
            assertTrue(edge.metric("motioness_bytes_out_total") > 0, "ping bytes count as bytes out");
        }
    }

    private double safeValue(String series) {
        try {
            return edge.metric(series);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void authFailuresAreCountedByKind() throws Exception {
        edge = TestEdge.start();
        String series = "motioness_auth_failures_total{kind=\"%s\"}";
        assertEquals(0, edge.metric(series.formatted("unknown_key")), "every kind is exposed from the start");

        assertEquals(
                401,
                HttpWire.get(edge.port(), "/v1/not-a-key-0123456789/events/a1").status());
        assertEquals(1, edge.metric(series.formatted("unknown_key")));
        assertEquals(401, HttpWire.get(edge.port(), FEED).status());
        assertEquals(1, edge.metric(series.formatted("no_session")));
        assertEquals(
                403,
                HttpWire.get(edge.port(), FEED, TestEdge.cookie(TestEdge.OTHER_SESSION))
                        .status());
        assertEquals(1, edge.metric(series.formatted("not_member")));
        assertEquals(
                403,
                HttpWire.get(edge.port(), FEED, TestEdge.cookie(TestEdge.SESSION), "Origin: https://evil.example")
                        .status());
        assertEquals(1, edge.metric(series.formatted("origin")));
        assertEquals(
                401,
                HttpWire.exchange(
                                edge.port(),
                                HttpWire.request(
                                        "POST",
                                        "/internal/events",
                                        "[]",
                                        "Authorization: Bearer wrong-token-0123456789"))
                        .status());
        assertEquals(1, edge.metric(series.formatted("ingest_token")));
    }

    @Test
    void limitRejectionsAreCountedByLimit() throws Exception {
        edge = TestEdge.start(config -> config.maxStreamsPerKey(1).newStreamsPerAddress(2));
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
        String series = "motioness_limit_rejections_total{limit=\"%s\"}";
        try (SseClient first = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
            assertEquals(200, first.status());
            assertEquals(
                    429, HttpWire.get(edge.port(), TestEdge.assetPath("a1")).status());
            assertEquals(1, edge.metric(series.formatted("key")));
            int refused = 0;
            for (int i = 0; i < 10; i++) {
                RawResponse response = HttpWire.get(edge.port(), TestEdge.assetPath("a1"));
                if (response.bodyText().contains("too_many_new_streams")) {
                    refused++;
                }
            }
            assertTrue(refused > 0);
            assertEquals(refused, edge.metric(series.formatted("new_streams")));
        }
    }

    @Test
    void theRingIsExposed() throws Exception {
        edge = TestEdge.start(config -> config.ringSize(4096));
        Map<String, Double> samples = Scrape.all(edge.adminPort());
        assertEquals(4096.0, samples.get("motioness_ring_capacity"));
        assertEquals(0.0, samples.get("motioness_ring_occupancy"));
        assertEquals(0.0, samples.get("motioness_draining"));
        assertTrue(!samples.containsKey("motioness_redis_reader_lag_milliseconds{shard=\"0\"}"), "no Redis, no lag");
    }

    @Test
    void thePublishToWriteHistogramCountsEachEventOncePerLoop() throws Exception {
        edge = TestEdge.start(config -> config.ioThreads(1));
        assertEquals(0, edge.metric("motioness_publish_to_write_seconds_count"));
        try (SseClient one = SseClient.open(edge.port(), FEED, TestEdge.cookie(TestEdge.SESSION));
                SseClient two = SseClient.open(edge.port(), FEED, TestEdge.cookie(TestEdge.SESSION))) {
            edge.awaitOpenStreams(2);
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a2"));
            one.events(2, WAIT);
            two.events(2, WAIT);
            awaitMetric("motioness_publish_to_write_seconds_count", 2);
            assertEquals(4, edge.metric("motioness_frames_out_total"), "two subscribers, one loop: two observations");
            assertEquals(2, edge.metric("motioness_publish_to_write_seconds_bucket{le=\"+Inf\"}"));
            assertEquals(
                    2,
                    edge.metric("motioness_publish_to_write_seconds_bucket{le=\"10.0\"}"),
                    "an event in memory is written within 10 s");
            assertTrue(edge.metric("motioness_publish_to_write_seconds_sum") < 20);
        }
    }
}
