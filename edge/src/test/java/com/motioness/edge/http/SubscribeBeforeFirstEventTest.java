package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.LookAlike;
import com.motioness.edge.support.RedisKeysUnder;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A page that opens an asset's stream before the asset's first event reached the log gets a stream
 * that waits for it (pings and the cap apply) and then carries the asset from its first event; an
 * asset of another project waits the same way and never delivers.
 */
class SubscribeBeforeFirstEventTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final EventType[] LIFECYCLE = {
        EventType.QUEUED,
        EventType.VISION_STARTED,
        EventType.VISION_COMPLETED,
        EventType.STAGE_STARTED,
        EventType.STAGE_COMPLETED,
        EventType.R2_WRITE_COMPLETED,
        EventType.READY,
    };

    private TestEdge edge;
    private TestEdge other;
    private String prefix;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        if (other != null) {
            other.close();
        }
        if (prefix != null) {
            RedisKeysUnder.delete(TestEdge.REDIS_URL, prefix + ":");
        }
    }

    /** Publishes a whole lifecycle through {@code producer}'s log; returns the ids, in order. */
    private static List<String> lifecycle(TestEdge producer, String project, String asset) throws Exception {
        List<String> ids = new ArrayList<>();
        for (EventType type : LIFECYCLE) {
            ids.add(producer.append(Events.of(type, project, asset)).get(0).toString());
        }
        return ids;
    }

    private static List<String> eventIds(SseClient client, int count) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (SseBlock block : client.events(count, WAIT)) {
            ids.add(block.id());
        }
        return ids;
    }

    @Test
    void aStreamOpenedBeforeTheFirstEventWaitsWithPingsThenCarriesTheAssetFromItsFirstEvent() throws Exception {
        edge = TestEdge.start(config -> config.pingInterval(Duration.ofMillis(200)));
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("early-1"))) {
            assertEquals(200, client.status());
            assertEquals("text/event-stream; charset=utf-8", client.header("content-type"));
            assertEquals("3000", client.next(WAIT).retry());
            assertTrue(client.next(WAIT).isPing(), "a waiting stream keeps proxies alive like any other");
            List<String> published = lifecycle(edge, TestEdge.PROJECT, "early-1");
            assertEquals(published, eventIds(client, LIFECYCLE.length), "every event once, from the first");
            assertTrue(client.awaitEnd(WAIT) && client.endedCleanly(), "it ends at ready like any asset stream");
        }
    }

    @Test
    void theSessionRouteWaitsTooAndDecidesAccessOnTheFirstEvent() throws Exception {
        edge = TestEdge.start();
        try (SseClient mine =
                        SseClient.open(edge.port(), "/api/assets/early-2/events", TestEdge.cookie(TestEdge.SESSION));
                SseClient theirs =
                        SseClient.open(edge.port(), "/api/assets/early-3/events", TestEdge.cookie(TestEdge.SESSION));
                SseClient missing =
                        SseClient.open(edge.port(), "/api/assets/never/events", TestEdge.cookie(TestEdge.SESSION))) {
            followsMineOnly(edge, mine, "early-2", theirs, "early-3", missing);
        }
    }

    /**
     * Three streams opened before any event (the caller's own asset, one of the project it may not
     * read, one that never comes): once both lifecycles are published through {@code producer}, the
     * first was followed whole and the second stayed as silent as the third.
     */
    private void followsMineOnly(
            TestEdge producer, SseClient mine, String myAsset, SseClient theirs, String theirAsset, SseClient missing)
            throws Exception {
        edge.awaitOpenStreams(3);
        List<String> published = lifecycle(producer, TestEdge.PROJECT, myAsset);
        lifecycle(producer, TestEdge.OTHER_PROJECT, theirAsset);
        assertEquals(published, eventIds(mine, LIFECYCLE.length));
        assertTrue(mine.awaitEnd(WAIT));
        LookAlike.assertIndistinguishable(theirs, missing);
    }

    @Test
    void anAssetThatTurnsOutToBeAnotherProjectsLooksLikeOneThatNeverCame() throws Exception {
        edge = TestEdge.start();
        try (SseClient theirs = SseClient.open(edge.port(), TestEdge.assetPath("early-4"));
                SseClient missing = SseClient.open(edge.port(), TestEdge.assetPath("never"))) {
            edge.awaitOpenStreams(2);
            lifecycle(edge, TestEdge.OTHER_PROJECT, "early-4");
            LookAlike.assertIndistinguishable(theirs, missing);
        }
        // Opened after the fact it looks the same: nothing tells an asset of another project exists.
        try (SseClient theirs = SseClient.open(edge.port(), TestEdge.assetPath("early-4"));
                SseClient missing = SseClient.open(edge.port(), TestEdge.assetPath("never"))) {
            LookAlike.assertIndistinguishable(theirs, missing);
        }
    }

    @Test
    void theCapEndsAWaitingStreamCleanlySoTheClientReconnects() throws Exception {
        edge = TestEdge.start(config -> config.maxStreamDuration(Duration.ofMillis(400)));
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("early-5"))) {
            assertEquals(200, client.status());
            assertTrue(client.awaitEnd(WAIT) && client.endedCleanly());
        }
        assertEquals(1.0, edge.metric("motioness_streams_closed_total{reason=\"cap\",route=\"public_asset\"}"));
    }

    @Test
    void streamsOpenedWhileTheFirstEventsArriveEachGetEveryEventOnceInOrder() throws Exception {
        edge = TestEdge.start(config -> config.ioThreads(2));
        int streams = 40;
        int events = 60;
        List<String> published = new ArrayList<>();
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < events; i++) {
                    EventType type =
                            i == 0 ? EventType.QUEUED : i == events - 1 ? EventType.READY : EventType.STAGE_STARTED;
                    EventId id = edge.append(Events.of(type, TestEdge.PROJECT, "race"))
                            .get(0);
                    synchronized (published) {
                        published.add(id.toString());
                    }
                    if (i % 10 == 0) {
                        Thread.sleep(1);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < streams; i++) {
                clients.add(SseClient.open(edge.port(), TestEdge.assetPath("race")));
            }
            producer.get();
            for (SseClient client : clients) {
                assertEquals(published, eventIds(client, events), "opened before, during or after the first events");
                assertTrue(client.awaitEnd(WAIT));
            }
        } finally {
            for (SseClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void onRedisAStreamWaitingOnOneNodeGetsTheEventsPublishedOnAnother() throws Exception {
        prefix = "mxtest-" + UUID.randomUUID().toString().substring(0, 8);
        String redis = TestEdge.REDIS_URL;
        edge = TestEdge.start(config -> config.redis(redis).redisPrefix(prefix).redisShards(4));
        other = TestEdge.start(config -> config.redis(redis).redisPrefix(prefix).redisShards(4));
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("early-6"));
                SseClient theirs = SseClient.open(edge.port(), TestEdge.assetPath("early-7"));
                SseClient missing = SseClient.open(edge.port(), TestEdge.assetPath("never"))) {
            followsMineOnly(other, client, "early-6", theirs, "early-7", missing);
        }
    }
}
