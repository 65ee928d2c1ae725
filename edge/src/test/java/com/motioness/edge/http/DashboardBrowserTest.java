package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.config.AuthSettings;
import com.motioness.edge.demo.DemoProducer;
import com.motioness.edge.demo.DemoWebhook;
import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.log.ReplayPage;
import com.motioness.edge.log.StreamRef;
import com.motioness.edge.support.Lifecycle;
import com.motioness.edge.support.NodeScript;
import com.motioness.edge.support.RealClients;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the spec's example in a real browser: Debian's Chromium, headless, driven by
 * {@code src/test/browser/dashboard-browser.mjs} (playwright-core). The script reports what the
 * browser saw; this test publishes the events and judges:
 *
 * <ul>
 *   <li>the page opens the feed on its recent history ({@code ?tail}, capped here by
 *       {@code --feed-tail-max}): a whole lifecycle published before the page opened is one complete
 *       card, and an asset that began before that window reads its beginning from its own stream;
 *   <li>the page shows an asset's events and the project's feed (history, then live), each exactly
 *       once and in order, across several forced cap closes (each reconnect carried Last-Event-ID, so
 *       the edge resumed);
 *   <li>its card shows the stages with their latencies, the retry, the errors and the terminal state,
 *       and a timeline with one mark per step, in order, the retried ones with their failed attempt;
 *   <li>at {@code ready} the page stops: no request for that asset follows;
 *   <li>with {@code --demo}, the page at https://motioness.com/dashboard/?project=demo works without
 *       a sign-in, shows the demo's first asset, which ended before the page opened, whole, and follows
 *       an asset on its session route;
 *   <li>the spec's "Subscribe" example, unchanged, prints each stage and "mp4 hot" against the demo.
 * </ul>
 *
 * <p>Needs node, {@code npm ci --prefix edge/src/test/browser} and {@code /usr/bin/chromium}
 * ({@code .ci/run} installs them); skipped or failed without them as {@link RealClients} says.
 */
class DashboardBrowserTest {
    /** The client guide, whose browser example is the contract's "Subscribe" example; the test runs it as written. */
    private static final Path CLIENT_GUIDE = Path.of("../docs/clients.md");

    private static final String ASSET = "dash-1";
    /** A whole lifecycle published before the page opens. */
    private static final String BEFORE = "dash-0";
    /** An asset whose first event is older than the page's window of history. */
    private static final String OLDER = "dash-old";
    /** The feed's window: the newest events published before the page opens but OLDER's first. */
    private static final int TAIL = 21;

    private static final List<String> LIFECYCLE_MARKS = List.of(
            "queued:queued:done:0",
            "vision:vision:done:0",
            "storyboard:stage:done:0",
            "render:stage:failed,done:1",
            "upscale:stage:done:0",
            "encode:stage:done:0",
            "storage:storage:done:0",
            "webhook:webhook:failed,done:1",
            "ready:outcome:done:0");
    private static final String LIFECYCLE_CARD =
            "partial=false state=ready retries=1 errors=2 steps=vision:completed:300,"
                    + "storyboard:completed:410,render:completed:1520,upscale:completed:630,encode:completed:740,"
                    + "storage:written:120,webhook:delivered:";
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final Pattern REQUEST = Pattern.compile("REQUEST (\\d+) (\\S+) ([01]) (\\S+)");

    @Test
    void theDashboardAndTheSpecExampleWorkInHeadlessChromium() throws Exception {
        String chromium = RealClients.requireChromium();
        String example = Files.readString(RealClients.BROWSER_DIR.resolve("spec-subscribe-example.js"));
        assertEquals(
                subscribeExample(Files.readString(CLIENT_GUIDE)),
                example,
                "spec-subscribe-example.js must be docs/clients.md's browser example, unchanged");

        try (TestEdge edge = TestEdge.start(config -> config.demo(true)
                        .maxStreamDuration(Duration.ofSeconds(2))
                        .retry(Duration.ofMillis(200))
                        .feedTailMax(TAIL));
                TestEdge demo = TestEdge.start(config -> config.demo(true));
                // As the demo command does: its receiver registered before the first asset starts.
                DemoWebhook webhook = DemoWebhook.start(demo.server().webhookEndpoints(), AuthSettings.DEMO_PROJECT);
                DemoProducer producer = new DemoProducer(
                        demo.server().log(), AuthSettings.DEMO_PROJECT, Duration.ofSeconds(1), Duration.ofMillis(40))) {
            assertTrue(producer != null && webhook != null);
            List<AssetEvent> lifecycle = Lifecycle.of(AuthSettings.DEMO_PROJECT, ASSET);
            List<AssetEvent> older =
                    Lifecycle.of(AuthSettings.DEMO_PROJECT, OLDER).subList(0, 2);
            publish(edge, older.get(0));
            // The feed's history, as the page must show it: OLDER's second event, BEFORE's whole
            // lifecycle, ASSET's first event; then come ASSET's others, live.
            List<String> feed = new ArrayList<>();
            feed.add(publish(edge, older.get(1)));
            for (AssetEvent event : Lifecycle.of(AuthSettings.DEMO_PROJECT, BEFORE)) {
                feed.add(publish(edge, event));
            }
            List<String> timeline = new ArrayList<>();
            timeline.add(publish(edge, lifecycle.get(0)));
            feed.add(timeline.get(0));
            assertEquals(TAIL, feed.size());
            String options = "{\"chromium\":\"" + chromium + "\","
                    + "\"dashboardUrl\":\"http://127.0.0.1:" + edge.port() + "/dashboard/?project="
                    + AuthSettings.DEMO_PROJECT + "&key=" + AuthSettings.DEMO_KEY + "&asset=" + ASSET + "\","
                    + "\"asset\":\"" + ASSET + "\",\"cards\":[\"" + BEFORE + "\",\"" + OLDER + "\"],"
                    + "\"demoPort\":" + demo.port() + ","
                    + "\"demoKey\":\"" + AuthSettings.DEMO_KEY + "\",\"demoAsset\":\"" + DemoProducer.assetId(1) + "\","
                    + "\"quietMs\":1500,\"timeoutMs\":30000}";
            try (NodeScript browser = NodeScript.start(RealClients.BROWSER_DIR, "dashboard-browser.mjs", options)) {
                browser.await("WATCHING"::equals, AWAIT);

                // The lifecycle of one asset, paced so that both streams cross at least two 2 s caps.
                for (AssetEvent event : lifecycle.subList(1, lifecycle.size())) {
                    String published = publish(edge, event);
                    timeline.add(published);
                    feed.add(published);
                    Thread.sleep(300);
                }
                browser.await("DONE"::equals, AWAIT);
                assertTrue(browser.awaitExit(Duration.ofSeconds(30)), "the script ends");
                List<String> output = browser.output();
                String report = browser.report();
                assertEquals(0, browser.exitValue(), report);
                assertTrue(output.stream().noneMatch(line -> line.startsWith("PAGE_ERROR")), report);

                assertEquals(
                        timeline,
                        browser.prefixed("TIMELINE "),
                        "the asset's list: every event once, in order, across cap closes");
                assertEquals(
                        feed,
                        browser.prefixed("FEED "),
                        "the activity feed: its history, then every event once, in order, across cap closes");
                assertEquals(
                        List.of(
                                ASSET + " " + LIFECYCLE_CARD,
                                BEFORE + " " + LIFECYCLE_CARD,
                                OLDER + " partial=false state=running retries=0 errors=0 steps=vision:started:"),
                        browser.prefixed("CARD "),
                        "BEFORE whole from the history, OLDER completed from its own stream: " + report);
                assertMarks(browser, ASSET, LIFECYCLE_MARKS, report);
                assertMarks(browser, BEFORE, LIFECYCLE_MARKS, report);
                assertMarks(browser, OLDER, List.of("queued:queued:done:0", "vision:vision:running:0"), report);
                assertTrue(
                        output.contains("REQUEST 200 - 0 /v1/" + AuthSettings.DEMO_KEY + "/events/" + OLDER),
                        "OLDER's beginning read once, from its own stream: " + report);
                assertTrue(output.contains("STATUS asset-status ended " + count(output, "/events/" + ASSET)), report);
                // The feed goes on after the asset's end (it may be between a cap close and its reconnect).
                assertTrue(
                        browser.prefixed("STATUS activity-status ").get(0).matches("(open|reconnecting) \\d+"), report);

                List<String> assetCursors =
                        resumedWith(output, "/v1/" + AuthSettings.DEMO_KEY + "/events/" + ASSET, timeline, report);
                assertTrue(assetCursors.size() >= 2, "the cap closed the asset's stream at least twice: " + report);
                List<String> feedCursors =
                        resumedWith(output, "/api/projects/" + AuthSettings.DEMO_PROJECT + "/activity", feed, report);
                assertTrue(feedCursors.size() >= 2, "the cap closed the feed at least twice: " + report);

                assertDemo(browser, report);
                assertSpecExample(browser, demo, report);
            }
        }
    }

    /**
     * The card's timeline: these marks (step:kind:attempts:retries), each after the one before.
     */
    private static void assertMarks(NodeScript browser, String asset, List<String> expected, String report) {
        List<String> lines = browser.prefixed("MARKS " + asset + " ");
        assertEquals(1, lines.size(), report);
        List<String> marks = new ArrayList<>();
        int x = -1;
        for (String mark : lines.get(0).split(" ")) {
            int at = mark.indexOf('@');
            marks.add(mark.substring(0, at));
            int next = Integer.parseInt(mark.substring(at + 1));
            assertTrue(next > x, asset + ": each mark after the one before: " + lines);
            x = next;
        }
        assertEquals(expected, marks, asset + "'s timeline: " + report);
    }

    /** The code of the guide's first ```js block, its browser example. */
    private static String subscribeExample(String guide) {
        Matcher block = Pattern.compile("```js\\n(.*?)```", Pattern.DOTALL).matcher(guide);
        assertTrue(block.find(), "the client guide has a browser example");
        return block.group(1);
    }

    /** Appends one event; returns "id type", as the page's lists show it. */
    private static String publish(TestEdge edge, AssetEvent event) throws Exception {
        List<EventId> ids = edge.append(event);
        return ids.get(0) + " " + event.type().wireName();
    }

    /**
     * The Last-Event-ID of each reconnect of a stream's EventSource: the first request has none, each
     * later one an id the page was shown, never going back; none came after {@code ready} was shown.
     */
    private static List<String> resumedWith(List<String> output, String path, List<String> shown, String report) {
        List<Matcher> requests = new ArrayList<>();
        for (String line : output) {
            Matcher request = REQUEST.matcher(line);
            if (request.matches() && request.group(4).equals(path)) {
                requests.add(request);
            }
        }
        assertFalse(requests.isEmpty(), "the page requested " + path + ": " + report);
        assertEquals("-", requests.get(0).group(2), "the first request has no cursor: " + report);
        List<String> cursors = new ArrayList<>();
        int previous = -1;
        for (int i = 0; i < requests.size(); i++) {
            Matcher request = requests.get(i);
            if (path.contains("/events/")) {
                assertEquals("0", request.group(3), "no request for the asset after ready: " + report);
            }
            if (i == requests.size() - 1 && request.group(1).equals("0")) {
                // The feed's reconnect that was still under way when the script reported.
                break;
            }
            assertEquals("200", request.group(1), request.group() + ": " + report);
            if (i == 0) {
                continue;
            }
            int at = indexOfId(shown, request.group(2));
            assertTrue(
                    at >= previous && at >= 0,
                    "a reconnect resumes from an id the page was shown: " + request.group() + ": " + report);
            previous = at;
            cursors.add(request.group(2));
        }
        return cursors;
    }

    /** Where the line of event {@code id} is in {@code shown} ("id type" lines), or -1. */
    private static int indexOfId(List<String> shown, String id) {
        for (int i = 0; i < shown.size(); i++) {
            if (shown.get(i).startsWith(id + " ")) {
                return i;
            }
        }
        return -1;
    }

    private static void assertDemo(NodeScript browser, String report) {
        List<String> output = browser.output();
        assertFalse(browser.prefixed("DEMO_CARD ").isEmpty(), report);
        // The webhook mark is the dispatcher's webhook_dispatched, appended when the attempt ends:
        // before or after the asset's ready (the demo's next step comes 20-60 ms after storage).
        String whole = DemoProducer.assetId(1) + " partial=false state=ready marks=queued,vision,storyboard,"
                + "render,upscale,encode,storage,";
        assertTrue(
                List.of(List.of(whole + "webhook,ready"), List.of(whole + "ready,webhook"))
                        .contains(browser.prefixed("DEMO_ASSET ")),
                "the demo's first asset, over before the page opened, whole: " + report);
        List<String> follow = browser.prefixed("DEMO_FOLLOW ");
        assertEquals(1, follow.size(), report);
        String[] parts = follow.get(0).split(" ");
        assertTrue(
                parts[1].startsWith("queued,") && parts[1].endsWith(",ready"),
                "a selected demo asset replays from queued to ready: " + follow);
        assertTrue(
                output.contains("DEMO_REQUEST 200 - /api/projects/demo/activity"),
                "the demo's feed opened without a sign-in: " + report);
        assertTrue(
                output.contains("DEMO_REQUEST 200 - /api/assets/" + parts[0] + "/events"),
                "without a key the asset is followed on its session route: " + report);
    }

    /** The example's console output is exactly what the demo asset's events say, then "mp4 hot". */
    private static void assertSpecExample(NodeScript browser, TestEdge demo, String report) throws Exception {
        ReplayPage page = demo.server()
                .log()
                .read(StreamRef.asset(DemoProducer.assetId(1)), null, 1000)
                .get(5, TimeUnit.SECONDS);
        List<String> expected = new ArrayList<>();
        for (LoggedEvent logged : page.events()) {
            AssetEvent event = EventJson.decode(logged.json());
            if (event.type() == EventType.STAGE_COMPLETED) {
                expected.add("log stage " + event.stage() + " done in " + event.latencyMs() + "ms");
            }
        }
        expected.add("log mp4 hot");
        assertEquals(5, expected.size(), "demo-asset-1 renders four stages, then is ready: " + expected);
        assertEquals(expected, browser.prefixed("SPEC_CONSOLE "), report);
        List<String> requests = browser.prefixed("SPEC_REQUEST ");
        String url = "https://motioness.com/v1/" + AuthSettings.DEMO_KEY + "/events/" + DemoProducer.assetId(1);
        assertEquals(List.of("200 - " + url), requests, "one stream, closed by the example at ready: " + report);
        assertEquals(List.of(String.valueOf(requests.size())), browser.prefixed("SPEC_REQUESTS_AT_END "), report);
    }

    private static long count(List<String> output, String pathPart) {
        return output.stream()
                .filter(line -> line.startsWith("REQUEST ") && line.contains(pathPart))
                .count();
    }
}
