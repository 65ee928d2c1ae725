package com.motioness.edge.http;

import static com.motioness.edge.support.ErrorAnswers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cursors a stream must survive: one from the future (a clock step, another deployment) resumes
 * from the stream's end instead of muting it, and the activity feed hands a cursor out at once, so
 * a reconnect before its first event resumes exactly.
 */
class CursorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String FEED = "/api/projects/" + TestEdge.PROJECT + "/activity";

    private TestEdge edge;

    @BeforeEach
    void start() throws InterruptedException {
        edge = TestEdge.start();
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    private EventId append(EventType type, String asset) throws Exception {
        return edge.append(Events.of(type, TestEdge.PROJECT, asset)).get(0);
    }

    /** The blocks before the first event: retry, then what the head says. */
    private static SseBlock cursorBlock(SseClient client) throws InterruptedException {
        assertEquals("3000", client.next(WAIT).retry());
        return client.until(block -> block.id() != null, WAIT);
    }

    @Test
    void aCursorFromTheFutureResumesFromTheStreamsEndAndSaysSo() throws Exception {
        append(EventType.QUEUED, "a1");
        EventId end = append(EventType.STAGE_STARTED, "a1");
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: 9999999999999")) {
            assertEquals(200, client.status());
            assertEquals("true", client.header("x-motioness-cursor-ahead"));
            assertEquals("3000", client.next(WAIT).retry());
            SseBlock notice = client.next(WAIT);
            assertEquals(
                    "cursor 9999999999999 is ahead of this stream, which ends at " + end + "; resuming from there",
                    notice.comment());
            SseBlock cursor = client.next(WAIT);
            assertEquals(end.toString(), cursor.id(), "the client's Last-Event-ID moves to the end");
            assertFalse(cursor.isEvent(), "an id without data dispatches nothing");
            edge.awaitOpenStreams(1);
            EventId next = append(EventType.STAGE_COMPLETED, "a1");
            assertEquals(next.toString(), client.nextEvent(WAIT).id(), "not muted: live from the end on");
        }
        assertEquals(1.0, edge.metric("motioness_cursors_ahead_total"));
    }

    @Test
    void aCursorAFewSecondsAheadAsAfterAClockStepIsAheadToo() throws Exception {
        EventId end = append(EventType.QUEUED, "a1");
        EventId ahead = new EventId(end.ms() + 5_000, 0);
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1") + "?lastEventId=" + ahead)) {
            assertEquals("true", client.header("x-motioness-cursor-ahead"));
            assertEquals(end.toString(), cursorBlock(client).id());
            edge.awaitOpenStreams(1);
            assertEquals(
                    append(EventType.READY, "a1").toString(),
                    client.nextEvent(WAIT).id());
            assertTrue(client.awaitEnd(WAIT));
        }
    }

    @Test
    void aCursorAtTheEndOrBeforeItIsNotAhead() throws Exception {
        EventId first = append(EventType.QUEUED, "a1");
        EventId end = append(EventType.STAGE_STARTED, "a1");
        try (SseClient atEnd = SseClient.open(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + end);
                SseClient before = SseClient.open(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + first)) {
            assertNull(atEnd.header("x-motioness-cursor-ahead"));
            assertNull(before.header("x-motioness-cursor-ahead"));
            assertEquals(end.toString(), before.nextEvent(WAIT).id());
        }
        assertEquals(0.0, edge.metric("motioness_cursors_ahead_total"));
    }

    @Test
    void aCursorAheadOfAFinishedAssetEndsItLikeItsTerminalCursor() throws Exception {
        append(EventType.QUEUED, "a1");
        append(EventType.READY, "a1");
        assertEquals(
                204,
                HttpWire.get(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: 9999999999999")
                        .status());
    }

    @Test
    void theActivityFeedResetsAFutureCursorToItsEnd() throws Exception {
        append(EventType.QUEUED, "a1");
        EventId end = append(EventType.QUEUED, "a2");
        try (SseClient feed = SseClient.open(
                edge.port(), FEED, TestEdge.cookie(TestEdge.SESSION), "Last-Event-ID: 9999999999999-3")) {
            assertEquals("true", feed.header("x-motioness-cursor-ahead"));
            assertEquals(end.toString(), cursorBlock(feed).id());
            edge.awaitOpenStreams(1);
            assertEquals(
                    append(EventType.STAGE_STARTED, "a2").toString(),
                    feed.nextEvent(WAIT).id());
        }
    }

    @Test
    void theFeedWithoutACursorHandsOutWhereItEndsAtOnce() throws Exception {
        EventId end = append(EventType.QUEUED, "a1");
        try (SseClient feed = SseClient.open(edge.port(), FEED, TestEdge.cookie(TestEdge.SESSION))) {
            assertNull(feed.header("x-motioness-cursor-ahead"), "no cursor, nothing ahead");
            SseBlock cursor = cursorBlock(feed);
            assertEquals(end.toString(), cursor.id());
            assertFalse(cursor.isEvent());
            edge.awaitOpenStreams(1);
            assertEquals(
                    append(EventType.STAGE_STARTED, "a1").toString(),
                    feed.nextEvent(WAIT).id(),
                    "then it is live, as before");
        }
    }

    @Test
    void aFeedThatStartsLiveOverATrimmedHistoryIsNotToldItMissedAnything() throws Exception {
        try (TestEdge trimmed = TestEdge.start(config -> config.retentionCount(2))) {
            EventId end = null;
            for (int i = 0; i < 5; i++) {
                end = trimmed.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a" + i))
                        .get(0);
            }
            try (SseClient feed = SseClient.open(trimmed.port(), FEED, TestEdge.cookie(TestEdge.SESSION))) {
                assertNull(feed.header("x-motioness-replay-truncated"), "it replays nothing, so misses nothing");
                assertEquals("3000", feed.next(WAIT).retry());
                SseBlock next = feed.next(WAIT);
                assertNull(next.comment(), "no truncation comment");
                assertEquals(end.toString(), next.id());
            }
        }
    }

    @Test
    void aFeedThatReconnectsBeforeItsFirstEventMissesNothing() throws Exception {
        String cursor;
        try (SseClient feed = SseClient.open(
                edge.port(),
                "/api/projects/" + TestEdge.OTHER_PROJECT + "/activity",
                TestEdge.cookie(TestEdge.OTHER_SESSION))) {
            cursor = cursorBlock(feed).id();
            assertEquals("0", cursor, "a project without events yet: the cursor before everything");
        }
        edge.awaitOpenStreams(0);
        // Events while the client is away: exactly these must come on the reconnect.
        List<EventId> missed = List.of(
                edge.append(Events.of(EventType.QUEUED, TestEdge.OTHER_PROJECT, "b1"))
                        .get(0),
                edge.append(Events.of(EventType.QUEUED, TestEdge.OTHER_PROJECT, "b2"))
                        .get(0));
        try (SseClient feed = SseClient.open(
                edge.port(),
                "/api/projects/" + TestEdge.OTHER_PROJECT + "/activity",
                TestEdge.cookie(TestEdge.OTHER_SESSION),
                "Last-Event-ID: " + cursor)) {
            assertNull(feed.header("x-motioness-replay-truncated"));
            assertEquals(missed.get(0).toString(), feed.nextEvent(WAIT).id());
            assertEquals(missed.get(1).toString(), feed.nextEvent(WAIT).id());
        }
    }

    private static void assertConflict(RawResponse response, String what) {
        assertError(response, 400, "conflicting_cursor", what);
    }

    @Test
    void aCursorGivenTwiceWithDifferentValuesIs400ConflictingCursor() throws Exception {
        EventId first = append(EventType.QUEUED, "a1");
        EventId second = append(EventType.STAGE_STARTED, "a1");
        String path = TestEdge.assetPath("a1");
        assertConflict(
                HttpWire.get(edge.port(), path, "Last-Event-ID: " + first, "Last-Event-ID: " + second),
                "two Last-Event-ID headers");
        assertConflict(
                HttpWire.get(edge.port(), path + "?lastEventId=" + first + "&lastEventId=" + second),
                "two lastEventId parameters");
        assertConflict(
                HttpWire.get(
                        edge.port(),
                        FEED + "?lastEventId=" + first + "&lastEventId=" + second,
                        TestEdge.cookie(TestEdge.SESSION)),
                "two lastEventId parameters on the feed");
        assertConflict(
                HttpWire.get(edge.port(), path, "Last-Event-ID: " + first, "Last-Event-ID: "),
                "a cursor and an empty one (none)");
    }

    @Test
    void theSameCursorGivenTwiceIsThatCursor() throws Exception {
        EventId first = new EventId(append(EventType.QUEUED, "a1").ms(), 0);
        EventId second = append(EventType.STAGE_STARTED, "a1");
        String path = TestEdge.assetPath("a1");
        // "<ms>" and "<ms>-0" are one id.
        try (SseClient client = SseClient.open(
                edge.port(),
                path + "?lastEventId=" + first.ms() + "-0&lastEventId=" + first.ms(),
                "Last-Event-ID: " + first.ms(),
                "Last-Event-ID: " + first.ms() + "-0")) {
            assertEquals(200, client.status());
            assertEquals(second.toString(), client.nextEvent(WAIT).id());
        }
    }

    @Test
    void onReconnectTheHeaderAnEventSourceSendsWinsOverTheCursorInItsUrl() throws Exception {
        // An EventSource opened with ?lastEventId= (a page resuming after a reload) keeps that URL
        // and sends the newer Last-Event-ID on every reconnect: the two differ by design, and a 400
        // would end it for good.
        EventId first = append(EventType.QUEUED, "a1");
        EventId second = append(EventType.STAGE_STARTED, "a1");
        EventId third = append(EventType.STAGE_COMPLETED, "a1");
        try (SseClient client = SseClient.open(
                edge.port(), TestEdge.assetPath("a1") + "?lastEventId=" + first, "Last-Event-ID: " + second)) {
            assertEquals(200, client.status());
            assertEquals(third.toString(), client.nextEvent(WAIT).id());
        }
    }
}
