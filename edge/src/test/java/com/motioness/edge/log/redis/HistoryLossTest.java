package com.motioness.edge.log.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.EdgeProcess;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.OwnRedis;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.Scrape;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis without persistence restarts empty under a running edge: the edge notices the lost
 * history (one warning, a metric, still ready), marks replays from older cursors truncated, and
 * its firehose reader follows the new history even where its ids are below the last one it took.
 */
class HistoryLossTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PROJECT = "proj-a";
    private static final String TOKEN = "ingest-token-0123456789";
    private static final String FEED = "/api/projects/" + PROJECT + "/activity";
    private static final String COOKIE = "Cookie: better-auth.session_token=session-a";
    private static final String WARNING = "Redis lost the history of shard 0";

    private static RawResponse ingest(int port, EventType type, String asset) throws IOException {
        return HttpWire.exchange(
                port,
                HttpWire.request(
                        "POST",
                        "/internal/events",
                        Events.json(type, PROJECT, asset),
                        "Authorization: Bearer " + TOKEN));
    }

    private static String idOf(RawResponse response) {
        assertEquals(200, response.status(), response.bodyText());
        return response.bodyText().replaceAll("(?s).*\\[\"([0-9-]+)\"].*", "$1");
    }

    @Test
    void aRestartWithoutPersistenceIsNoticedAndOlderCursorsAreToldTheirReplayIsTruncated(@TempDir Path dir)
            throws Exception {
        try (OwnRedis redis = OwnRedis.startWithoutPersistence(dir);
                EdgeProcess edge = EdgeProcess.start(
                        "--port",
                        "0",
                        "--bind",
                        "127.0.0.1",
                        "--admin-port",
                        "0",
                        "--redis",
                        redis.url(),
                        "--project-key",
                        "key-a-0123456789=" + PROJECT,
                        "--dev-session",
                        "session-a=user-a:" + PROJECT,
                        "--ingest-token",
                        TOKEN)) {
            int port = edge.port();
            int admin = edge.adminPort();
            List<String> before = new ArrayList<>();
            for (EventType type :
                    new EventType[] {EventType.QUEUED, EventType.VISION_STARTED, EventType.VISION_COMPLETED}) {
                before.add(idOf(ingest(port, type, "a1")));
            }
            String cursor = before.get(1);
            // Taken off the firehose before the live feed opens, so it gets only what follows.
            Poll.until(() -> metric(admin, "motioness_events_in_total") == 3, WAIT, "the reader to take them");

            try (SseClient live = SseClient.open(port, FEED, COOKIE)) {
                assertEquals(200, live.status());
                Poll.until(
                        () -> metric(admin, "motioness_streams_open{route=\"project_activity\"}") == 1,
                        WAIT,
                        "the live feed to be open");
                // The old history's last id, far ahead of Redis's clock: the new history's ids are all
                // below it, as with a replacement Redis whose clock is behind.
                xaddInTheFuture(redis.url());
                Poll.until(() -> metric(admin, "motioness_events_in_total") == 4, WAIT, "the reader to take it");

                redis.kill();
                redis.restart();
                RawResponse[] accepted = new RawResponse[1];
                Poll.until(
                        () -> {
                            try {
                                accepted[0] = ingest(port, EventType.QUEUED, "a2");
                                return accepted[0].status() == 200;
                            } catch (IOException e) {
                                return false;
                            }
                        },
                        WAIT,
                        "ingest to work on the emptied Redis");
                List<String> after = new ArrayList<>(List.of(idOf(accepted[0])));
                after.add(idOf(ingest(port, EventType.VISION_STARTED, "a2")));
                assertTrue(EventId.parse(after.get(0)).compareTo(EventId.parse(before.get(2))) > 0, "a fresh clock");

                assertEquals(
                        after,
                        live.events(2, WAIT).stream().map(SseBlock::id).toList(),
                        "the reader follows the new firehose from its start, though its ids are below the last it took");

                try (SseClient resumed = SseClient.open(port, FEED, COOKIE, "Last-Event-ID: " + cursor)) {
                    assertEquals(200, resumed.status());
                    assertEquals("true", resumed.header("x-motioness-replay-truncated"));
                    resumed.next(WAIT);
                    String notice = resumed.next(WAIT).comment();
                    assertTrue(
                            notice.startsWith("replay truncated: events up to ")
                                    && notice.endsWith(" are no longer retained"),
                            notice);
                    EventId lostThrough = EventId.parse(notice.split(" ")[5]);
                    assertTrue(
                            lostThrough.compareTo(EventId.parse(cursor)) > 0
                                    && lostThrough.compareTo(EventId.parse(after.get(0))) < 0,
                            notice);
                    assertEquals(
                            after,
                            resumed.events(2, WAIT).stream().map(SseBlock::id).toList(),
                            "what the new history holds");
                }

                // The asset the client followed is gone with the history: its stream waits (a 404
                // would stop an EventSource for good), says what was lost, and carries the asset
                // again from the event that brings it back.
                try (SseClient asset =
                        SseClient.open(port, "/v1/key-a-0123456789/events/a1", "Last-Event-ID: " + cursor)) {
                    assertEquals(200, asset.status());
                    assertEquals("true", asset.header("x-motioness-replay-truncated"));
                    assertEquals("true", asset.header("x-motioness-cursor-ahead"), "its cursor names no event now");
                    assertEquals(
                            "0", asset.until(block -> block.id() != null, WAIT).id(), "from the asset's start");
                    Poll.until(
                            () -> metric(admin, "motioness_streams_open{route=\"public_asset\"}") == 1,
                            WAIT,
                            "the asset stream to be open");
                    String back = idOf(ingest(port, EventType.STAGE_STARTED, "a1"));
                    assertEquals(back, asset.nextEvent(WAIT).id());
                }
            }
            try (SseClient fromTheStart = SseClient.open(port, FEED, COOKIE, "Last-Event-ID: 0")) {
                assertNull(
                        fromTheStart.header("x-motioness-replay-truncated"), "0 asks for the history from its start");
                assertEquals(2, fromTheStart.events(2, WAIT).size());
            }

            Poll.until(() -> metric(admin, "motioness_log_history_lost_total") == 1, WAIT, "the loss counted");
            Poll.until(() -> readyz(admin) == 200, WAIT, "ready");
            // The watch looks once a second: give it a few more looks to say it twice, if it would.
            Thread.sleep(2500);
            assertEquals(1, edge.linesWith(WARNING).size(), String.join("\n", edge.output()));
            assertTrue(
                    edge.linesWith(WARNING).get(0).contains("WARN"),
                    edge.linesWith(WARNING).get(0));
            assertEquals(1.0, metric(admin, "motioness_log_history_lost_total"));
            assertEquals(200, readyz(admin), "history loss is no reason to take no traffic");
        }
    }

    private static int readyz(int adminPort) {
        try {
            return HttpWire.get(adminPort, "/readyz").status();
        } catch (IOException e) {
            return -1;
        }
    }

    private static double metric(int adminPort, String series) {
        try {
            Map<String, Double> samples = Scrape.all(adminPort);
            return samples.getOrDefault(series, -1.0);
        } catch (IOException e) {
            return -1;
        }
    }

    /** An entry of another project, an hour ahead, appended to shard 0's firehose directly. */
    private static void xaddInTheFuture(String url) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            String future = (System.currentTimeMillis() + 3_600_000) + "-0";
            redis.sync()
                    .xadd(
                            new RedisKeys("mx", 1).firehose(0),
                            new XAddArgs().id(future),
                            Map.of("e", Events.json(EventType.QUEUED, "proj-b", "b1")));
        } finally {
            client.shutdown();
        }
    }
}
