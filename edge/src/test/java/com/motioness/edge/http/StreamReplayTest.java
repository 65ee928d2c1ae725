package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.LookAlike;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replay from a cursor and the seam to live events, on real sockets against a started edge. */
class StreamReplayTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TestEdge edge;

    @BeforeEach
    void start() throws Exception {
        edge = TestEdge.start();
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    private List<EventId> appendRunning(String asset, int count) throws Exception {
        List<EventId> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.addAll(edge.append(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, asset)));
        }
        return ids;
    }

    @Test
    void everyEventTypeIsFramedWithItsNameIdAndJson() throws Exception {
        try (SseClient feed = SseClient.open(
                edge.port(), "/api/projects/" + TestEdge.PROJECT + "/activity", TestEdge.cookie(TestEdge.SESSION))) {
            assertEquals(200, feed.status());
            assertEquals("text/event-stream; charset=utf-8", feed.header("content-type"));
            assertEquals("no-cache, no-transform", feed.header("cache-control"));
            assertEquals("no", feed.header("x-accel-buffering"));
            SseBlock first = feed.next(WAIT);
            assertEquals("3000", first.retry(), "the first frame advises the reconnection delay");
            edge.awaitOpenStreams(1);
            List<AssetEvent> sent = new ArrayList<>();
            List<EventId> ids = new ArrayList<>();
            for (EventType type : EventType.values()) {
                AssetEvent event = Events.of(type, TestEdge.PROJECT, "asset-" + type.wireName());
                sent.add(event);
                ids.addAll(edge.append(event));
            }
            List<SseBlock> received = feed.events(EventType.values().length, WAIT);
            for (int i = 0; i < sent.size(); i++) {
                SseBlock block = received.get(i);
                assertEquals(sent.get(i).type().wireName(), block.event());
                assertEquals(ids.get(i).toString(), block.id());
                assertEquals(new String(EventJson.encode(sent.get(i)), StandardCharsets.UTF_8), block.data());
                assertEquals(sent.get(i), EventJson.decode(block.data().getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    @Test
    void withoutCursorAnAssetStreamReplaysItsWholeHistoryThenFollowsLive() throws Exception {
        List<EventId> ids = appendRunning("a1", 3);
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
            assertEquals(200, client.status());
            List<SseBlock> replayed = client.events(3, WAIT);
            assertEquals(
                    ids.stream().map(EventId::toString).toList(),
                    replayed.stream().map(SseBlock::id).toList());
            ids.addAll(appendRunning("a1", 2));
            List<SseBlock> live = client.events(2, WAIT);
            assertEquals(
                    ids.subList(3, 5).stream().map(EventId::toString).toList(),
                    live.stream().map(SseBlock::id).toList());
        }
    }

    @Test
    void cursorInTheMiddleReplaysOnlyNewerEvents() throws Exception {
        List<EventId> ids = appendRunning("a1", 6);
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + ids.get(2))) {
            List<SseBlock> replayed = client.events(3, WAIT);
            assertEquals(
                    ids.subList(3, 6).stream().map(EventId::toString).toList(),
                    replayed.stream().map(SseBlock::id).toList());
            assertTrue(client.drain().stream().noneMatch(SseBlock::isEvent), "nothing older than the cursor");
        }
    }

    @Test
    void cursorFromTheQueryStringWorksAndTheHeaderWins() throws Exception {
        List<EventId> ids = appendRunning("a1", 4);
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1") + "?lastEventId=" + ids.get(0))) {
            assertEquals(ids.get(1).toString(), client.nextEvent(WAIT).id());
        }
        try (SseClient client = SseClient.open(
                edge.port(), TestEdge.assetPath("a1") + "?lastEventId=" + ids.get(0), "Last-Event-ID: " + ids.get(2))) {
            assertEquals(ids.get(3).toString(), client.nextEvent(WAIT).id());
        }
    }

    @Test
    void cursorAtTheEndReplaysNothingAndGoesLive() throws Exception {
        List<EventId> ids = appendRunning("a1", 3);
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + ids.get(2))) {
            assertEquals(200, client.status());
            edge.awaitOpenStreams(1);
            List<EventId> later = appendRunning("a1", 1);
            assertEquals(later.get(0).toString(), client.nextEvent(WAIT).id());
        }
    }

    @Test
    void eventsSharingAMillisecondGetDistinctIncreasingIds() throws Exception {
        AssetEvent[] batch = new AssetEvent[5];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "a1");
        }
        List<EventId> ids = edge.append(batch);
        long ms = ids.get(0).ms();
        assertEquals(String.valueOf(ms), ids.get(0).toString(), "the first of a millisecond is written <ms>");
        for (int i = 1; i < ids.size(); i++) {
            assertEquals(ms + "-" + i, ids.get(i).toString(), "later ones <ms>-<seq>");
        }
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + ms + "-2")) {
            List<SseBlock> replayed = client.events(2, WAIT);
            assertEquals(
                    List.of(ms + "-3", ms + "-4"),
                    replayed.stream().map(SseBlock::id).toList());
        }
    }

    @Test
    void eventsArrivingDuringReplayAreDeliveredWithNoGapAndNoDuplicate() throws Exception {
        edge.close();
        edge = TestEdge.start(config -> config.retentionCount(10_000));
        List<EventId> all = new CopyOnWriteArrayList<>(appendRunning("hot", 1500));
        EventId cursor = all.get(200);
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; i < 1500; i++) {
                    all.addAll(edge.append(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "hot")));
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("hot"), "Last-Event-ID: " + cursor)) {
            producer.start();
            List<SseBlock> received = client.events(3000 - 201, Duration.ofSeconds(30));
            producer.join();
            List<String> expected =
                    all.subList(201, 3000).stream().map(EventId::toString).toList();
            assertEquals(expected, received.stream().map(SseBlock::id).toList());
        }
    }

    @Test
    void aCursorOlderThanRetentionReplaysWhatIsRetainedAndSaysSo() throws Exception {
        edge.close();
        edge = TestEdge.start(config -> config.retentionCount(5));
        List<EventId> ids = appendRunning("a1", 10);
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + ids.get(1))) {
            assertEquals("true", client.header("x-motioness-replay-truncated"));
            SseBlock first = client.next(WAIT);
            assertEquals("3000", first.retry());
            SseBlock notice = client.next(WAIT);
            assertEquals("replay truncated: events up to " + ids.get(4) + " are no longer retained", notice.comment());
            List<SseBlock> replayed = client.events(5, WAIT);
            assertEquals(
                    ids.subList(5, 10).stream().map(EventId::toString).toList(),
                    replayed.stream().map(SseBlock::id).toList());
        }
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + ids.get(6))) {
            assertNull(client.header("x-motioness-replay-truncated"), "a cursor inside retention is complete");
            assertEquals(ids.get(7).toString(), client.nextEvent(WAIT).id());
        }
    }

    @Test
    void theActivityFeedStartsLiveWithoutCursorAndReplaysWithOne() throws Exception {
        List<EventId> before = new ArrayList<>();
        before.addAll(edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "x1")));
        before.addAll(edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "x2")));
        // "Live" starts when the stream opens: let the earlier events clear the ring first, so
        // none is still in flight to the loops when the live client joins.
        Poll.until(() -> edge.server().ringBacklog() == 0, WAIT, "the ring to drain");
        try (SseClient live = SseClient.open(
                        edge.port(),
                        "/api/projects/" + TestEdge.PROJECT + "/activity",
                        TestEdge.cookie(TestEdge.SESSION));
                SseClient resumed = SseClient.open(
                        edge.port(),
                        "/api/projects/" + TestEdge.PROJECT + "/activity",
                        TestEdge.cookie(TestEdge.SESSION),
                        "Last-Event-ID: " + before.get(0))) {
            edge.awaitOpenStreams(2);
            EventId next = edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "x3"))
                    .get(0);
            assertEquals(next.toString(), live.nextEvent(WAIT).id(), "no replay without a cursor");
            assertEquals(before.get(1).toString(), resumed.nextEvent(WAIT).id());
            assertEquals(next.toString(), resumed.nextEvent(WAIT).id());
        }
    }

    @Test
    void theActivityFeedGoesOnPastAnAssetsTerminalEvent() throws Exception {
        EventId ready = edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "done"))
                .get(0);
        try (SseClient feed = SseClient.open(
                edge.port(),
                "/api/projects/" + TestEdge.PROJECT + "/activity",
                TestEdge.cookie(TestEdge.SESSION),
                "Last-Event-ID: " + ready)) {
            assertEquals(200, feed.status(), "only asset streams end at a terminal event");
            edge.awaitOpenStreams(1);
            EventId next = edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "next"))
                    .get(0);
            assertEquals(next.toString(), feed.nextEvent(WAIT).id());
        }
    }

    @Test
    void theActivityFeedCarriesOnlyItsOwnProject() throws Exception {
        try (SseClient feed = SseClient.open(
                edge.port(), "/api/projects/" + TestEdge.PROJECT + "/activity", TestEdge.cookie(TestEdge.SESSION))) {
            edge.awaitOpenStreams(1);
            edge.append(Events.of(EventType.QUEUED, TestEdge.OTHER_PROJECT, "theirs"));
            EventId mine = edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "mine"))
                    .get(0);
            SseBlock block = feed.nextEvent(WAIT);
            assertEquals(mine.toString(), block.id());
            assertFalse(block.data().contains(TestEdge.OTHER_PROJECT));
        }
    }

    @Test
    void theSessionAssetRouteServesAssetsOfTheUsersProjectsOnly() throws Exception {
        EventId id =
                edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1")).get(0);
        edge.append(Events.of(EventType.QUEUED, TestEdge.OTHER_PROJECT, "b1"));
        try (SseClient mine = SseClient.open(edge.port(), "/api/assets/a1/events", TestEdge.cookie(TestEdge.SESSION))) {
            assertEquals(200, mine.status());
            assertEquals(id.toString(), mine.nextEvent(WAIT).id());
        }
        try (SseClient theirs =
                        SseClient.open(edge.port(), "/api/assets/b1/events", TestEdge.cookie(TestEdge.SESSION));
                SseClient missing =
                        SseClient.open(edge.port(), "/api/assets/nope/events", TestEdge.cookie(TestEdge.SESSION))) {
            // An asset of another project is not revealed: it looks like one that does not exist yet.
            edge.append(Events.of(EventType.STAGE_STARTED, TestEdge.OTHER_PROJECT, "b1"));
            LookAlike.assertIndistinguishable(theirs, missing);
        }
    }

    @Test
    void http10ClientsGetACloseDelimitedStream() throws Exception {
        List<EventId> ids = appendRunning("a1", 2);
        edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "a1"));
        try (SseClient client = SseClient.openWithVersion(edge.port(), TestEdge.assetPath("a1"), "HTTP/1.0")) {
            assertEquals(200, client.status());
            assertNull(client.header("transfer-encoding"));
            assertEquals("close", client.header("connection"));
            assertTrue(client.awaitEnd(WAIT));
            String body = new String(client.rawBody(), StandardCharsets.US_ASCII);
            assertTrue(body.startsWith("retry: 3000\n\nevent: stage_started\nid: " + ids.get(0) + "\ndata: {"), body);
            assertTrue(body.endsWith("\n\n"));
            assertNotNull(client.drain().stream()
                    .filter(b -> "ready".equals(b.event()))
                    .findFirst()
                    .orElse(null));
        }
    }
}
