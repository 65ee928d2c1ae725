package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.Lifecycle;
import com.motioness.edge.support.NodeScript;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RealClients;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A real EventSource client — the npm {@code eventsource} package, which reconnects with
 * Last-Event-ID like a browser — driven by {@code src/test/node/es-client.mjs}: it must dispatch
 * every event of an asset exactly once and in order, and stop for good on the 204 after
 * {@code ready}, whether it resumes across forced cap closes or opened before the asset's first
 * event. {@code .ci/run} installs the package; elsewhere the tests are skipped unless
 * {@code npm ci --prefix edge/src/test/node} was run.
 */
class EventSourceClientTest {
    private static final Pattern SEEN = Pattern.compile("\\{\"id\":\"([^\"]*)\",\"type\":\"([a-z0-9_]+)\"}");
    private static final String OPENED = "motioness_streams_opened_total{route=\"public_asset\"}";
    private static final Duration EXIT = Duration.ofSeconds(30);

    /** What es-client.mjs printed when it stopped. */
    private record Report(List<String> seen, int opens, int opensBeforeFirst, boolean closed, String raw) {
        static Report of(NodeScript client) throws InterruptedException {
            assertTrue(client.awaitExit(EXIT), "the client stops by itself");
            String raw = client.report();
            List<String> seen = new ArrayList<>();
            Matcher matcher = SEEN.matcher(raw);
            while (matcher.find()) {
                seen.add(matcher.group(1) + " " + matcher.group(2));
            }
            return new Report(
                    seen, count(raw, "opens"), count(raw, "opensBeforeFirst"), raw.contains("\"closed\":true"), raw);
        }

        private static int count(String raw, String name) {
            Matcher value = Pattern.compile("\"" + name + "\":(\\d+)").matcher(raw);
            assertTrue(value.find(), name + " in " + raw);
            return Integer.parseInt(value.group(1));
        }
    }

    /** Starts es-client.mjs on an asset's public stream. */
    private static NodeScript follow(TestEdge edge, String asset) {
        return follow(edge, asset, "");
    }

    /** Starts es-client.mjs on an asset's public stream, with {@code query} after its path. */
    private static NodeScript follow(TestEdge edge, String asset, String query) {
        return NodeScript.start(
                RealClients.EVENTSOURCE_DIR,
                "es-client.mjs",
                "http://127.0.0.1:" + edge.port() + TestEdge.assetPath(asset) + query,
                "20000");
    }

    /**
     * Waits until the edge has opened {@code opens} streams, or fails with what the client saw if it
     * stopped first (as it did when an asset unknown yet was a 404).
     */
    private static void awaitOpens(TestEdge edge, NodeScript client, int opens) throws InterruptedException {
        Poll.until(
                () -> !client.isAlive() || edge.counter(OPENED) >= opens,
                Duration.ofSeconds(30),
                opens + " streams opened");
        if (!client.isAlive()) {
            fail("the client stopped before " + opens + " streams opened: "
                    + Report.of(client).raw());
        }
    }

    @Test
    void aRealEventSourceResumesAcrossCapClosesLosingNothingAndStopsAtReady() throws Exception {
        RealClients.requireEventSource();
        try (TestEdge edge = TestEdge.start(
                config -> config.maxStreamDuration(Duration.ofMillis(600)).retry(Duration.ofMillis(50)))) {
            List<AssetEvent> events = new ArrayList<>();
            events.add(Events.of(EventType.QUEUED, TestEdge.PROJECT, "es-1"));
            List<String> expected = edge.publish(events, Duration.ZERO);
            try (NodeScript client = follow(edge, "es-1")) {
                // Node can take a second or two to start on a busy machine: the 2.4 s of events
                // below must all come while it is connected, or the cap has nothing to cut.
                awaitOpens(edge, client, 1);
                events.clear();
                for (int i = 0; i < 40; i++) {
                    events.add(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "es-1"));
                }
                events.add(Events.of(EventType.READY, TestEdge.PROJECT, "es-1"));
                expected.addAll(edge.publish(events, Duration.ofMillis(60)));
                Report report = Report.of(client);
                assertEquals(expected, report.seen(), "every event once, in order, across reconnects");
                assertTrue(report.closed(), "204 after ready ends it for good: " + report.raw());
                assertTrue(report.opens() >= 3, "the cap forced several reconnects: " + report.raw());
            }
        }
    }

    @Test
    void anEventSourceOpenedBeforeTheAssetsFirstEventGetsItsWholeLifecycleOnceAndStopsAtReady() throws Exception {
        RealClients.requireEventSource();
        try (TestEdge edge = TestEdge.start(config -> config.retry(Duration.ofMillis(100)))) {
            try (NodeScript client = follow(edge, "early-es-1")) {
                awaitOpens(edge, client, 1);
                // Issue 10's scenario: the page opens its stream, the asset's first event comes 0.5 s later.
                Thread.sleep(500);
                List<String> expected =
                        edge.publish(Lifecycle.of(TestEdge.PROJECT, "early-es-1"), Duration.ofMillis(25));
                Report report = Report.of(client);
                assertEquals(expected, report.seen(), "every event once, in order, from queued");
                assertTrue(report.closed(), "204 after ready ends it for good: " + report.raw());
                assertEquals(1, report.opens(), "the stream that waited carried the whole lifecycle: " + report.raw());
            }
        }
    }

    @Test
    void anEventSourceThatReconnectsSeveralTimesBeforeTheFirstEventStillGetsEveryEventOnce() throws Exception {
        RealClients.requireEventSource();
        try (TestEdge edge = TestEdge.start(
                config -> config.maxStreamDuration(Duration.ofMillis(300)).retry(Duration.ofMillis(50)))) {
            try (NodeScript client = follow(edge, "early-es-2")) {
                // Two cap closes of a stream that only waited, each followed by a reconnect.
                awaitOpens(edge, client, 3);
                // 18 pauses of 60 ms outlast the 300 ms cap: it cuts the lifecycle at least once too.
                List<String> expected =
                        edge.publish(Lifecycle.of(TestEdge.PROJECT, "early-es-2"), Duration.ofMillis(60));
                Report report = Report.of(client);
                assertEquals(expected, report.seen(), "every event once, in order, from queued");
                assertTrue(report.closed(), "204 after ready ends it for good: " + report.raw());
                assertTrue(report.opensBeforeFirst() >= 3, "it reconnected while the stream waited: " + report.raw());
                assertTrue(
                        report.opens() > report.opensBeforeFirst(),
                        "and resumed with Last-Event-ID after a cap close within the lifecycle: " + report.raw());
            }
        }
    }

    @Test
    void anEventSourceWhoseUrlCarriesACursorResumesWithItsLastEventIdAcrossCapCloses() throws Exception {
        RealClients.requireEventSource();
        // A page that resumes after a reload puts its saved id in the URL; the EventSource keeps that
        // URL and adds the newer Last-Event-ID on each reconnect, so the two differ from the first
        // reconnect on: the header must win, a conflicting_cursor 400 would end the client for good.
        try (TestEdge edge = TestEdge.start(
                config -> config.maxStreamDuration(Duration.ofMillis(600)).retry(Duration.ofMillis(50)))) {
            List<String> before = edge.publish(
                    List.of(
                            Events.of(EventType.QUEUED, TestEdge.PROJECT, "es-url-1"),
                            Events.of(EventType.VISION_STARTED, TestEdge.PROJECT, "es-url-1")),
                    Duration.ZERO);
            String saved = before.get(0).split(" ")[0];
            try (NodeScript client = follow(edge, "es-url-1", "?lastEventId=" + saved)) {
                awaitOpens(edge, client, 1);
                List<AssetEvent> events = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    events.add(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "es-url-1"));
                }
                events.add(Events.of(EventType.READY, TestEdge.PROJECT, "es-url-1"));
                List<String> expected = new ArrayList<>(before.subList(1, 2));
                expected.addAll(edge.publish(events, Duration.ofMillis(60)));
                Report report = Report.of(client);
                assertEquals(
                        expected, report.seen(), "every event after the saved id once, in order, across reconnects");
                assertTrue(report.closed(), "204 after ready ends it for good: " + report.raw());
                assertTrue(report.opens() >= 3, "the cap forced several reconnects: " + report.raw());
            }
        }
    }
}
