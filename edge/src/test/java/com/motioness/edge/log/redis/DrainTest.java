package com.motioness.edge.log.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.RedisKeysUnder;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node drains (as on SIGTERM) while a second node shares its Redis: readiness goes false, new
 * streams are refused, open streams end cleanly spread over the window, and every client that
 * resumes on the other node from its cursor gets each of its events exactly once.
 */
class DrainTest {
    private static final String REDIS_URL = RedisBackboneTest.REDIS_URL;
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int STREAMS = 8;
    private static final Duration WINDOW = Duration.ofMillis(2000);

    private final String prefix = "mxtest-" + UUID.randomUUID().toString().substring(0, 8);
    private TestEdge draining;
    private TestEdge other;

    @BeforeEach
    void start() throws Exception {
        draining = TestEdge.start(config -> config.redis(REDIS_URL).redisPrefix(prefix));
        other = TestEdge.start(config -> config.redis(REDIS_URL).redisPrefix(prefix));
    }

    @AfterEach
    void stop() {
        draining.close();
        other.close();
        RedisKeysUnder.delete(REDIS_URL, prefix + ":");
    }

    private static List<String> eventIds(List<SseBlock> blocks) {
        List<String> ids = new ArrayList<>();
        for (SseBlock block : blocks) {
            if (block.isEvent()) {
                ids.add(block.id());
            }
        }
        return ids;
    }

    private static boolean refused(int port) {
        try {
            return HttpWire.get(port, TestEdge.assetPath("a0")).status() == 503;
        } catch (IOException connectionRefused) {
            return true;
        }
    }

    @Test
    void streamsEndSpreadOverTheWindowAndResumeOnTheOtherNodeWithoutLoss() throws Exception {
        List<List<String>> sent = new ArrayList<>();
        List<List<String>> received = new ArrayList<>();
        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            sent.add(new ArrayList<>(List.of(other.ingest(EventType.QUEUED, "a" + i))));
            SseClient client = SseClient.open(draining.port(), TestEdge.assetPath("a" + i));
            clients.add(client);
            received.add(new ArrayList<>(List.of(client.nextEvent(WAIT).id())));
        }
        draining.awaitOpenStreams(STREAMS);
        assertEquals(200, HttpWire.get(draining.adminPort(), "/readyz").status());

        long start = System.nanoTime();
        CompletableFuture<Void> drained = draining.server().drain(WINDOW);
        RawResponse ready = HttpWire.get(draining.adminPort(), "/readyz");
        assertEquals(503, ready.status(), "not ready from the first instant of the drain");
        assertTrue(ready.bodyText().contains("draining"), ready.bodyText());
        assertEquals(1.0, draining.metric("motioness_draining"));
        Poll.until(() -> refused(draining.port()), WAIT, "new streams refused");
        assertEquals(200, HttpWire.get(other.adminPort(), "/readyz").status(), "the other node is ready");

        // Events keep coming while the node drains: some reach their stream before it ends.
        for (int i = 0; i < STREAMS; i++) {
            sent.get(i).add(other.ingest(EventType.STAGE_STARTED, "a" + i));
        }
        long[] endedAt = new long[STREAMS];
        Poll.until(
                () -> {
                    boolean all = true;
                    for (int i = 0; i < STREAMS; i++) {
                        if (endedAt[i] == 0 && clients.get(i).isEnded()) {
                            endedAt[i] = System.nanoTime() - start;
                        }
                        all &= endedAt[i] != 0;
                    }
                    return all;
                },
                WAIT,
                "every stream ended");
        drained.get(5, TimeUnit.SECONDS);

        long first = Long.MAX_VALUE;
        long last = 0;
        for (int i = 0; i < STREAMS; i++) {
            assertTrue(clients.get(i).endedCleanly(), "stream " + i + " finished with the last chunk");
            first = Math.min(first, endedAt[i]);
            last = Math.max(last, endedAt[i]);
        }
        long window = WINDOW.toNanos();
        assertTrue(first < window / 2, "the first stream ends early in the window: " + first / 1_000_000 + " ms");
        assertTrue(
                last - first > window / 2,
                "closes are spread over the window, not made at once: " + first / 1_000_000 + " ms to "
                        + last / 1_000_000 + " ms");
        assertTrue(last < window + TimeUnit.SECONDS.toNanos(2), "and end within it: " + last / 1_000_000 + " ms");
        assertEquals(
                STREAMS, draining.metric("motioness_streams_closed_total{reason=\"drain\",route=\"public_asset\"}"));

        for (int i = 0; i < STREAMS; i++) {
            received.get(i).addAll(eventIds(clients.get(i).drain()));
            clients.get(i).close();
        }
        List<SseClient> resumed = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                List<String> mine = received.get(i);
                SseClient client = SseClient.open(
                        other.port(), TestEdge.assetPath("a" + i), "Last-Event-ID: " + mine.get(mine.size() - 1));
                assertEquals(200, client.status());
                resumed.add(client);
            }
            for (int i = 0; i < STREAMS; i++) {
                sent.get(i).add(other.ingest(EventType.READY, "a" + i));
            }
            for (int i = 0; i < STREAMS; i++) {
                SseClient client = resumed.get(i);
                int missing = sent.get(i).size() - received.get(i).size();
                for (SseBlock block : client.events(missing, WAIT)) {
                    received.get(i).add(block.id());
                }
                assertTrue(client.awaitEnd(WAIT), "asset " + i + " ends at ready");
                assertEquals(sent.get(i), received.get(i), "asset " + i + ": every event once, in order");
            }
        } finally {
            for (SseClient client : resumed) {
                client.close();
            }
        }
    }

    @Test
    void aZeroWindowEndsEveryStreamAtOnce() throws Exception {
        other.ingest(EventType.QUEUED, "a0");
        try (SseClient one = SseClient.open(draining.port(), TestEdge.assetPath("a0"));
                SseClient two = SseClient.open(draining.port(), TestEdge.assetPath("a0"))) {
            draining.awaitOpenStreams(2);
            draining.server().drain(Duration.ZERO).get(5, TimeUnit.SECONDS);
            assertTrue(one.awaitEnd(WAIT) && one.endedCleanly());
            assertTrue(two.awaitEnd(WAIT) && two.endedCleanly());
        }
    }
}
