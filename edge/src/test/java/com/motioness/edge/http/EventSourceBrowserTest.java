package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.motioness.edge.config.AuthSettings;
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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Streams opened before their first event, in a real browser: Debian's Chromium, headless, driven by
 * {@code src/test/browser/event-source-browser.mjs} (playwright-core). The script reports what the
 * browser saw; this test publishes the events and judges:
 *
 * <ul>
 *   <li>issue 10, item 1: the spec's "Subscribe" example, unchanged, on an asset nobody has published
 *       yet, its first event 0.5 s after the stream opened: each {@code stage_completed} and
 *       "mp4 hot" are logged once, on one request, and nothing is requested after {@code ready};
 *   <li>issue 10, item 8: the activity feed's cap closes it before its first event; the events
 *       published while the browser waits to reconnect all reach it, exactly those, because the
 *       {@code id:} frame without data the feed opened with set the Last-Event-ID it reconnects
 *       with ({@code id: 0} for a project without events) and dispatched nothing;
 *   <li>an asset stream cut the same way reconnects without Last-Event-ID (it handed out no cursor)
 *       and gets the asset from {@code queued}.
 * </ul>
 *
 * <p>Needs node, {@code npm ci --prefix edge/src/test/browser} and {@code /usr/bin/chromium}; skipped
 * or failed without them as {@link RealClients} says.
 */
class EventSourceBrowserTest {
    private static final String OPENED = "motioness_streams_opened_total{route=\"public_asset\"}";
    private static final String REPLAYED = "motioness_replayed_events_total";
    private static final String SPEC_ASSET = "early-spec-1";
    private static final String AWAY_ASSET = "away-1";
    private static final String SESSION = "browser-session";
    private static final String FEED_A = "/api/projects/" + TestEdge.PROJECT + "/activity";
    private static final String FEED_B = "/api/projects/" + TestEdge.OTHER_PROJECT + "/activity";
    private static final Duration AWAIT = Duration.ofSeconds(60);

    @Test
    void streamsOpenedBeforeTheirFirstEventLoseNothingInChromium() throws Exception {
        String chromium = RealClients.requireChromium();
        try (TestEdge spec = TestEdge.start(config -> config.retry(Duration.ofMillis(100)));
                // The cap cuts every stream of the page before its first event; the 1 s retry is the
                // window in which the test publishes while the browser is away.
                TestEdge away = TestEdge.start(config -> config.maxStreamDuration(Duration.ofMillis(700))
                        .retry(Duration.ofSeconds(1))
                        .devSessions(Map.of(
                                SESSION,
                                new AuthSettings.DevSession(
                                        "user-x", Set.of(TestEdge.PROJECT, TestEdge.OTHER_PROJECT)))))) {
            // Project A has a history the feed must not replay: it starts live, at this cursor.
            List<String> history = away.publish(
                    List.of(
                            Events.of(EventType.QUEUED, TestEdge.PROJECT, "before-1"),
                            Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "before-1")),
                    Duration.ZERO);
            String feedCursor = idOf(history.get(history.size() - 1));
            List<AssetEvent> specLifecycle = Lifecycle.of(TestEdge.PROJECT, SPEC_ASSET);
            List<AssetEvent> awayLifecycle = Lifecycle.of(TestEdge.PROJECT, AWAY_ASSET);
            String assetPath = TestEdge.assetPath(AWAY_ASSET);
            String options = """
                    {"chromium": "%s", "timeoutMs": 20000,
                     "specPort": %d, "key": "%s", "specAsset": "%s", "specQuietMs": 500,
                     "awayOrigin": "http://127.0.0.1:%d", "session": "%s",
                     "streams": [{"name": "feed-a", "url": "%s", "expect": %d},
                                 {"name": "feed-b", "url": "%s", "expect": 2},
                                 {"name": "asset", "url": "%s", "expect": %d}],
                     "awayWaitMs": 4000, "awayQuietMs": 300}
                    """.formatted(
                            chromium,
                            spec.port(),
                            TestEdge.KEY,
                            SPEC_ASSET,
                            away.port(),
                            SESSION,
                            FEED_A,
                            awayLifecycle.size(),
                            FEED_B,
                            assetPath,
                            awayLifecycle.size());
            try (NodeScript browser = NodeScript.start(RealClients.BROWSER_DIR, "event-source-browser.mjs", options)) {
                Poll.until(() -> !browser.isAlive() || spec.counter(OPENED) >= 1, AWAIT, "the example's stream");
                if (!browser.isAlive()) {
                    browser.awaitExit(AWAIT);
                    fail("the script stopped before the example's stream opened:\n" + browser.report());
                }
                // Issue 10's scenario: the page is open, the asset's first event comes 0.5 s later.
                Thread.sleep(500);
                spec.publish(specLifecycle, Duration.ofMillis(25));
                browser.await("AWAY"::equals, AWAIT);
                // The browser now waits out the retry: everything it missed must come with its reconnect.
                List<String> missedA = away.publish(awayLifecycle, Duration.ZERO);
                List<String> missedB = away.publish(
                        List.of(
                                Events.of(EventType.QUEUED, TestEdge.OTHER_PROJECT, "b1"),
                                Events.of(EventType.QUEUED, TestEdge.OTHER_PROJECT, "b2")),
                        Duration.ZERO);
                assertSpecExample(browser, specLifecycle);
                browser.await("DONE"::equals, AWAIT);
                String report = browser.report();
                assertTrue(browser.prefixed("PAGE_ERROR").isEmpty(), report);

                assertEquals(
                        onReconnect(missedA),
                        browser.prefixed("AWAY_EVENT feed-a "),
                        "the feed: exactly the events of its absence, once, in order, none of its history: " + report);
                assertEquals(
                        onReconnect(missedB),
                        browser.prefixed("AWAY_EVENT feed-b "),
                        "a project without events before: the same, from id 0: " + report);
                assertEquals(
                        onReconnect(missedA),
                        browser.prefixed("AWAY_EVENT asset "),
                        "the asset: its whole lifecycle, replayed from queued: " + report);
                assertEquals(
                        List.of("feed-a 0", "feed-b 0", "asset 0"),
                        browser.prefixed("AWAY_MESSAGES "),
                        "an id without data dispatches no event: " + report);

                assertEquals(
                        List.of("200 - " + FEED_A, "200 " + feedCursor + " " + FEED_A),
                        firstTwo(browser, FEED_A),
                        "the id frame set the feed's Last-Event-ID: " + report);
                assertEquals(
                        List.of("200 - " + FEED_B, "200 0 " + FEED_B),
                        firstTwo(browser, FEED_B),
                        "id: 0 before a project's first event: " + report);
                assertEquals(
                        List.of("200 - " + assetPath, "200 - " + assetPath),
                        firstTwo(browser, assetPath),
                        "a waiting asset stream hands out no cursor: " + report);
                // Replayed, not live: each event was in the log before the reconnect that carried it.
                Poll.until(() -> away.counter(REPLAYED) >= missedA.size() * 2 + missedB.size(), AWAIT, "the replays");
                assertEquals(missedA.size() * 2 + missedB.size(), away.counter(REPLAYED), 0.0, report);
            }
        }
    }

    /**
     * The example's console: each {@code stage_completed} once, in order, then "mp4 hot"; one request,
     * answered 200, and none after {@code ready} in the quiet window (five times the 100 ms retry).
     */
    private static void assertSpecExample(NodeScript browser, List<AssetEvent> lifecycle) {
        List<String> expected = new ArrayList<>();
        for (AssetEvent event : lifecycle) {
            if (event.type() == EventType.STAGE_COMPLETED) {
                expected.add("log stage " + event.stage() + " done in " + event.latencyMs() + "ms");
            }
        }
        expected.add("log mp4 hot");
        String report = browser.report();
        assertEquals(expected, browser.prefixed("SPEC_CONSOLE "), report);
        String url = "https://motioness.com" + TestEdge.assetPath(SPEC_ASSET);
        assertEquals(
                List.of("200 - " + url),
                browser.prefixed("SPEC_REQUEST "),
                "one stream: it waited, carried the lifecycle, and the example closed it at ready: " + report);
        assertEquals(List.of("1"), browser.prefixed("SPEC_REQUESTS_AT_END "), report);
    }

    /** "id type" lines as the page reports them: dispatched while its second connection was open. */
    private static List<String> onReconnect(List<String> published) {
        List<String> lines = new ArrayList<>();
        for (String event : published) {
            lines.add(event + " 2");
        }
        return lines;
    }

    /** "status Last-Event-ID path" of the first two requests for {@code path}: the open and the reconnect. */
    private static List<String> firstTwo(NodeScript browser, String path) {
        List<String> requests = new ArrayList<>();
        for (String request : browser.prefixed("AWAY_REQUEST ")) {
            if (request.endsWith(" " + path) && requests.size() < 2) {
                requests.add(request);
            }
        }
        return requests;
    }

    private static String idOf(String published) {
        return published.substring(0, published.indexOf(' '));
    }
}
