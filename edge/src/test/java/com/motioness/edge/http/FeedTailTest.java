package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.config.EdgeConfig;
import com.motioness.edge.support.EdgeOnLog;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The activity feed's {@code ?tail=N}, on both logs: a feed opened without a cursor replays the
 * project's newest N retained events (at most {@code --feed-tail-max}) after an {@code id:} frame
 * holding the cursor just before them, then goes live; a cursor wins over the tail; a malformed
 * tail is 400 {@code invalid_tail}.
 */
class FeedTailTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String FEED = "/api/projects/" + TestEdge.PROJECT + "/activity";
    private static final String COOKIE = TestEdge.cookie(TestEdge.SESSION);
    private static final EventType[] STEPS = {
        EventType.QUEUED,
        EventType.VISION_STARTED,
        EventType.VISION_COMPLETED,
        EventType.STAGE_STARTED,
        EventType.STAGE_COMPLETED
    };

    private final List<EdgeOnLog> edges = new ArrayList<>();
    private TestEdge edge;

    private void start(String log, UnaryOperator<EdgeConfig.Builder> tweak) throws InterruptedException {
        EdgeOnLog onLog = EdgeOnLog.start(log, tweak);
        edges.add(onLog);
        edge = onLog.edge();
    }

    @AfterEach
    void stop() {
        edges.forEach(EdgeOnLog::close);
    }

    /** Appends {@code count} events of project A (two assets taking turns); returns their ids. */
    private List<String> append(int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EventType type = STEPS[i / 2 % STEPS.length];
            ids.add(edge.append(Events.of(type, TestEdge.PROJECT, "a" + i % 2))
                    .get(0)
                    .toString());
        }
        return ids;
    }

    /**
     * The first {@code count} blocks that carry an id, as {@code id:<id>} for an id frame without
     * data and {@code <id>} for an event.
     */
    private static List<String> ids(SseClient client, int count) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        while (ids.size() < count) {
            SseBlock block = client.next(WAIT);
            if (block.id() != null) {
                ids.add(block.isEvent() ? block.id() : "id:" + block.id());
            }
        }
        return ids;
    }

    private static List<String> with(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** The feed opened with each of these tails starts with {@code expected}; then it is closed. */
    private void assertTails(List<String> tails, List<String> expected) throws Exception {
        for (String tail : tails) {
            try (SseClient feed = SseClient.open(edge.port(), FEED + "?tail=" + tail, COOKIE)) {
                assertEquals(expected, ids(feed, expected.size()), "tail=" + tail);
            }
        }
        edge.awaitOpenStreams(0);
    }

    /** Proves the stream is live: an event appended now is the next block with an id. */
    private void assertLive(SseClient feed, int openStreams) throws Exception {
        edge.awaitOpenStreams(openStreams);
        String next = edge.append(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "a0"))
                .get(0)
                .toString();
        assertEquals(List.of(next), ids(feed, 1), "then live");
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void aTailReplaysTheNewestEventsAfterTheCursorBeforeThemThenGoesLive(String log) throws Exception {
        start(log, UnaryOperator.identity());
        List<String> ids = append(6);
        try (SseClient feed = SseClient.open(edge.port(), FEED + "?tail=3", COOKIE)) {
            assertEquals(200, feed.status());
            assertNull(feed.header("x-motioness-replay-truncated"));
            assertEquals("3000", feed.next(WAIT).retry());
            assertEquals(
                    with("id:" + ids.get(2), ids.subList(3, 6)),
                    ids(feed, 4),
                    "the cursor before the tail, then the three newest events");
            assertLive(feed, 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void aTailAsLongAsTheStreamOrLongerStartsFromZero(String log) throws Exception {
        start(log, UnaryOperator.identity());
        List<String> ids = append(2);
        assertTails(List.of("2", "50"), with("id:0", ids));
        String otherFeed = "/api/projects/" + TestEdge.OTHER_PROJECT + "/activity";
        try (SseClient empty =
                SseClient.open(edge.port(), otherFeed + "?tail=5", TestEdge.cookie(TestEdge.OTHER_SESSION))) {
            assertEquals(List.of("id:0"), ids(empty, 1), "a project without events yet");
            edge.awaitOpenStreams(1);
            String first = edge.append(Events.of(EventType.QUEUED, TestEdge.OTHER_PROJECT, "b1"))
                    .get(0)
                    .toString();
            assertEquals(List.of(first), ids(empty, 1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void aTailPastFeedTailMaxIsCappedAndZeroIsTheLiveFeed(String log) throws Exception {
        start(log, config -> config.feedTailMax(2));
        List<String> ids = append(4);
        assertTails(List.of("2", "3", "99999999999999999999999999"), with("id:" + ids.get(1), ids.subList(2, 4)));
        try (SseClient feed = SseClient.open(edge.port(), FEED + "?tail=0", COOKIE)) {
            assertEquals(List.of("id:" + ids.get(3)), ids(feed, 1), "tail=0: live from the feed's end");
            assertLive(feed, 1);
        }
        edge.awaitOpenStreams(0);

        start(log, config -> config.feedTailMax(0));
        String end = append(2).get(1);
        try (SseClient feed = SseClient.open(edge.port(), FEED + "?tail=3", COOKIE)) {
            assertEquals(List.of("id:" + end), ids(feed, 1), "--feed-tail-max 0: tails are off");
            assertLive(feed, 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void aCursorWinsOverTheTail(String log) throws Exception {
        start(log, UnaryOperator.identity());
        List<String> ids = append(4);
        try (SseClient header = SseClient.open(edge.port(), FEED + "?tail=3", COOKIE, "Last-Event-ID: " + ids.get(2));
                SseClient query = SseClient.open(edge.port(), FEED + "?tail=1&lastEventId=" + ids.get(1), COOKIE);
                SseClient zero = SseClient.open(edge.port(), FEED + "?tail=1", COOKIE, "Last-Event-ID: 0")) {
            assertEquals(List.of(ids.get(3)), ids(header, 1), "Last-Event-ID: the events after it, no tail");
            assertEquals(ids.subList(2, 4), ids(query, 2), "?lastEventId=: the same");
            assertEquals(ids, ids(zero, 4), "a cursor of 0 asks for the whole history");
        }
        edge.awaitOpenStreams(0);
        // EventSource sends no Last-Event-ID before its first id; an empty one is no cursor.
        try (SseClient empty = SseClient.open(edge.port(), FEED + "?tail=1", COOKIE, "Last-Event-ID: ")) {
            assertEquals(List.of("id:" + ids.get(2), ids.get(3)), ids(empty, 2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void aMalformedTailIs400NamingIt(String log) throws Exception {
        start(log, UnaryOperator.identity());
        append(1);
        for (String tail : List.of("abc", "-1", "", "1.5", "+3", "1e3", "%203", "0x10")) {
            RawResponse response = HttpWire.get(edge.port(), FEED + "?tail=" + tail, COOKIE);
            assertEquals(400, response.status(), "tail=" + tail);
            assertTrue(
                    response.bodyText()
                            .startsWith("{\"error\":\"invalid_tail\",\"message\":\"tail must be a whole "
                                    + "number of events, 0 or more, got \\\""),
                    "tail=" + tail + ": " + response.bodyText());
        }
        assertEquals(
                "{\"error\":\"invalid_tail\",\"message\":\"tail must be a whole number of events, 0 or more, "
                        + "got \\\"abc\\\"\"}\n",
                HttpWire.get(edge.port(), FEED + "?tail=abc", COOKIE).bodyText());
        assertEquals(
                "{\"error\":\"invalid_tail\",\"message\":\"tail: given more than once with different values\"}\n",
                HttpWire.get(edge.port(), FEED + "?tail=3&tail=4", COOKIE).bodyText());
        assertEquals(
                400,
                HttpWire.get(edge.port(), FEED + "?tail=x", COOKIE, "Last-Event-ID: 0")
                        .status(),
                "with a cursor too: the request is malformed all the same");
        assertEquals(
                400,
                HttpWire.get(edge.port(), FEED + "?tail=x").status(),
                "checked before the session, like a malformed cursor");
        try (SseClient twice = SseClient.open(edge.port(), FEED + "?tail=1&tail=1", COOKIE)) {
            assertEquals(200, twice.status(), "the same value twice is one tail");
        }
    }

    @Test
    void aTailOverTrimmedHistorySaysWhatIsNoLongerRetained() throws Exception {
        // The embedded log trims exactly; Redis trims project streams approximately (MAXLEN ~),
        // whole nodes of entries at a time, so a short stream there is never trimmed.
        start(EdgeOnLog.EMBEDDED, config -> config.retentionCount(3));
        List<String> ids = append(5);
        try (SseClient all = SseClient.open(edge.port(), FEED + "?tail=10", COOKIE)) {
            assertEquals("true", all.header("x-motioness-replay-truncated"));
            assertEquals(with("id:0", ids.subList(2, 5)), ids(all, 4));
        }
        try (SseClient newest = SseClient.open(edge.port(), FEED + "?tail=2", COOKIE)) {
            assertNull(newest.header("x-motioness-replay-truncated"), "the tail is all there");
            assertEquals(with("id:" + ids.get(2), ids.subList(3, 5)), ids(newest, 3));
        }
    }

    /**
     * Feeds opened with a tail while events are being appended: each gets, from its first event on,
     * every event once and in order, and its opening id frame names the event just before the first.
     */
    @ParameterizedTest
    @ValueSource(strings = {"embedded", "redis"})
    void feedsOpenedWithATailWhileEventsArriveMissNothingAndRepeatNothing(String log) throws Exception {
        start(log, UnaryOperator.identity());
        List<String> appended = Collections.synchronizedList(new ArrayList<>(append(20)));
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 300; i++) {
                    appended.addAll(append(1));
                    LockSupport.parkNanos(1_000_000);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<SseClient> feeds = new ArrayList<>();
        try {
            while (!producer.isDone() && feeds.size() < 8) {
                feeds.add(SseClient.open(edge.port(), FEED + "?tail=10", COOKIE));
                Thread.sleep(20);
            }
            producer.get(30, TimeUnit.SECONDS);
            assertTrue(feeds.size() >= 2, "feeds opened while events arrived: " + feeds.size());
            List<String> all = List.copyOf(appended);
            for (SseClient feed : feeds) {
                String start = ids(feed, 1).get(0);
                String first = ids(feed, 1).get(0);
                int at = all.indexOf(first);
                assertTrue(at >= 0, first);
                assertEquals("id:" + (at == 0 ? EventId.ZERO : all.get(at - 1)), start);
                assertEquals(
                        all.subList(at + 1, all.size()),
                        ids(feed, all.size() - at - 1),
                        "every event after the first once, in order");
            }
        } finally {
            for (SseClient feed : feeds) {
                feed.close();
            }
        }
    }
}
