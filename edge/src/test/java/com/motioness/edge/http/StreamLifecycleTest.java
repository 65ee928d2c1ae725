package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How streams end and stay alive: terminal events, 204, heartbeats, the cap, slow consumers. */
class StreamLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TestEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    @Test
    void anAssetStreamEndsAfterItsTerminalEventAndAReconnectAtItGets204() throws Exception {
        edge = TestEdge.start();
        for (EventType terminal : List.of(EventType.READY, EventType.FAILED, EventType.CANCELLED)) {
            String asset = "asset-" + terminal.wireName();
            EventId first = edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, asset))
                    .get(0);
            try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath(asset))) {
                assertEquals(first.toString(), client.nextEvent(WAIT).id());
                EventId end = edge.append(Events.of(terminal, TestEdge.PROJECT, asset))
                        .get(0);
                SseBlock last = client.nextEvent(WAIT);
                assertEquals(terminal.wireName(), last.event());
                assertEquals(end.toString(), last.id());
                assertTrue(client.awaitEnd(WAIT), "the stream ends after " + terminal.wireName());
                assertTrue(client.endedCleanly(), "with the zero-length chunk, so curl -N exits 0");

                RawResponse again = com.motioness.edge.support.HttpWire.get(
                        edge.port(), TestEdge.assetPath(asset), "Last-Event-ID: " + end);
                assertEquals(204, again.status(), "EventSource stops reconnecting on 204");
                assertEquals(0, again.body().length);
                assertEquals("*", again.header("access-control-allow-origin"));
            }
            // A cursor before the terminal event still replays up to it, then ends.
            try (SseClient replay = SseClient.open(edge.port(), TestEdge.assetPath(asset), "Last-Event-ID: " + first)) {
                assertEquals(terminal.wireName(), replay.nextEvent(WAIT).event());
                assertTrue(replay.awaitEnd(WAIT));
            }
        }
        edge.awaitOpenStreams(0);
    }

    @Test
    void anIdleStreamGetsPings() throws Exception {
        edge = TestEdge.start(config -> config.pingInterval(Duration.ofMillis(150)));
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
            client.nextEvent(WAIT);
            long start = System.nanoTime();
            client.until(SseBlock::isPing, WAIT);
            client.until(SseBlock::isPing, WAIT);
            assertTrue(
                    System.nanoTime() - start >= Duration.ofMillis(250).toNanos(), "pings are spaced by the interval");
            String body = new String(client.rawBody(), java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(body.contains("\n\n: ping\n\n"), body);
        }
    }

    @Test
    void aBusyStreamIsNotPinged() throws Exception {
        edge = TestEdge.start(config -> config.pingInterval(Duration.ofMillis(400)));
        try (SseClient client = SseClient.open(
                edge.port(), "/api/projects/" + TestEdge.PROJECT + "/activity", TestEdge.cookie(TestEdge.SESSION))) {
            edge.awaitOpenStreams(1);
            for (int i = 0; i < 15; i++) {
                edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "busy-" + i));
                Thread.sleep(40);
            }
            client.events(15, WAIT);
            assertTrue(client.drain().stream().noneMatch(SseBlock::isPing), "no ping while events flow");
        }
    }

    @Test
    void theCapEndsTheStreamCleanlyAndAReconnectResumesWithoutLoss() throws Exception {
        edge = TestEdge.start(config -> config.maxStreamDuration(Duration.ofMillis(700)));
        List<EventId> ids = new ArrayList<>();
        List<String> received = new ArrayList<>();
        String lastId = null;
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; i < 60; i++) {
                    synchronized (ids) {
                        ids.addAll(edge.append(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "long")));
                    }
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        producer.start();
        int connections = 0;
        while (producer.isAlive() || received.size() < 60) {
            String[] headers = lastId == null ? new String[0] : new String[] {"Last-Event-ID: " + lastId};
            long opened = System.nanoTime();
            try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("long"), headers)) {
                connections++;
                assertTrue(client.awaitEnd(Duration.ofSeconds(3)), "the cap closes the stream");
                assertTrue(client.endedCleanly());
                long lived = System.nanoTime() - opened;
                assertTrue(lived <= Duration.ofMillis(700 + 2000).toNanos(), "closed near the cap: " + lived);
                for (SseBlock block : client.drain()) {
                    if (block.isEvent()) {
                        received.add(block.id());
                        lastId = block.id();
                    }
                }
            }
            if (connections > 20) {
                break;
            }
        }
        producer.join();
        assertTrue(connections >= 3, "the stream was capped several times: " + connections);
        synchronized (ids) {
            assertEquals(ids.stream().map(EventId::toString).toList(), received, "nothing lost or repeated");
        }
    }

    @Test
    void aSlowConsumerIsCutAndResumesFromItsCursorWithoutLoss() throws Exception {
        edge = TestEdge.start(config -> config.writeBufferHigh(16 * 1024)
                .slowConsumerTimeout(Duration.ofMillis(300))
                .retentionCount(100_000));
        List<String> all = new ArrayList<>();
        byte[] beforeCut;
        // HTTP/1.0 so the body is plain SSE bytes up to the cut, readable without chunk framing.
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress("127.0.0.1", edge.port()));
            stalled.getOutputStream()
                    .write(("GET /api/projects/" + TestEdge.PROJECT + "/activity HTTP/1.0\r\n"
                                    + TestEdge.cookie(TestEdge.SESSION) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            edge.awaitOpenStreams(1);
            // A few events it reads normally first, so it holds a cursor when the flood starts.
            for (int i = 0; i < 10; i++) {
                edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "first-" + i))
                        .forEach(id -> all.add(id.toString()));
            }
            Poll.until(() -> edge.server().dispatcher().dispatchedCount() >= 10, WAIT, "the first events dispatched");
            String bigMessage = "x".repeat(2000);
            while (edge.server().openStreams() > 0 && all.size() < 20_000) {
                AssetEvent[] batch = new AssetEvent[50];
                for (int i = 0; i < batch.length; i++) {
                    batch[i] = AssetEvent.builder(EventType.STAGE_FAILED)
                            .assetId("slow")
                            .projectId(TestEdge.PROJECT)
                            .ts(1)
                            .attempt(1)
                            .stage("render")
                            .error("E", bigMessage)
                            .requestId("r")
                            .build();
                }
                edge.append(batch).forEach(id -> all.add(id.toString()));
            }
            edge.awaitOpenStreams(0);
            stalled.setSoTimeout(10_000);
            // The cut resets a client that stopped reading: it reads what reached it, then the reset.
            beforeCut = com.motioness.edge.support.HttpWire.readUntilClosed(stalled.getInputStream());
        }
        List<String> received = new ArrayList<>();
        for (SseBlock block : SseClient.parseBlocks(beforeCut)) {
            if (block.isEvent()) {
                received.add(block.id());
            }
        }
        assertTrue(received.size() < all.size(), "the stalled client was cut before the end");
        try (SseClient resumed = SseClient.open(
                edge.port(),
                "/api/projects/" + TestEdge.PROJECT + "/activity",
                TestEdge.cookie(TestEdge.SESSION),
                "Last-Event-ID: " + received.get(received.size() - 1))) {
            for (SseBlock block : resumed.events(all.size() - received.size(), Duration.ofSeconds(30))) {
                received.add(block.id());
            }
        }
        assertEquals(all, received, "resuming from the cursor loses nothing and repeats nothing");
    }

    @Test
    void shutdownEndsOpenStreamsCleanly() throws Exception {
        edge = TestEdge.start();
        try (SseClient client = SseClient.open(
                edge.port(), "/api/projects/" + TestEdge.PROJECT + "/activity", TestEdge.cookie(TestEdge.SESSION))) {
            edge.awaitOpenStreams(1);
            edge.close();
            edge = null;
            assertTrue(client.awaitEnd(WAIT));
            assertTrue(client.endedCleanly(), "clients see a finished body and reconnect");
        }
    }

    @Test
    void aClientThatLeavesIsForgotten() throws Exception {
        edge = TestEdge.start();
        SseClient waiting = SseClient.open(edge.port(), TestEdge.assetPath("gone"));
        assertEquals(200, waiting.status());
        edge.awaitOpenStreams(1);
        waiting.close();
        edge.awaitOpenStreams(0);
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "gone"));
        SseClient open = SseClient.open(edge.port(), TestEdge.assetPath("gone"));
        edge.awaitOpenStreams(1);
        open.close();
        edge.awaitOpenStreams(0);
    }
}
