package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One hot asset, many concurrent streams: every stream gets every event, in order, whether the
 * events come one by one or as a batch the fan-out delivers to each stream as one run of frames,
 * and whether or not each event's fan-out is cut into slices that streams come and go between.
 */
class ManySubscribersTest {
    private static final int STREAMS = 1000;
    private static final int EVENTS = 50;

    @Test
    @Timeout(120)
    void aThousandStreamsOnOneAssetEachGetEveryEventInOrder() throws Exception {
        try (TestEdge edge = TestEdge.start()) {
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "hot"));
            List<SseClient> clients = new ArrayList<>(STREAMS);
            ExecutorService readers = Executors.newFixedThreadPool(32);
            try {
                for (int i = 0; i < STREAMS; i++) {
                    clients.add(SseClient.open(edge.port(), TestEdge.assetPath("hot")));
                }
                edge.awaitOpenStreams(STREAMS);
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < EVENTS; i++) {
                    for (EventId id : edge.append(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "hot"))) {
                        expected.add(id.toString());
                    }
                }
                List<Future<List<String>>> results = new ArrayList<>();
                for (SseClient client : clients) {
                    results.add(readers.submit(() -> {
                        client.nextEvent(Duration.ofSeconds(30));
                        return client.events(EVENTS, Duration.ofSeconds(60)).stream()
                                .map(SseBlock::id)
                                .toList();
                    }));
                }
                for (Future<List<String>> result : results) {
                    assertEquals(expected, result.get());
                }
            } finally {
                readers.shutdownNow();
                for (SseClient client : clients) {
                    client.close();
                }
            }
            edge.awaitOpenStreams(0);
        }
    }

    @Test
    @Timeout(60)
    void aBatchReachesEachStreamAsOneRunInOrderAndATerminalEventInItEndsTheStream() throws Exception {
        try (TestEdge edge = TestEdge.start()) {
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "batched"));
            List<SseClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    clients.add(SseClient.open(edge.port(), TestEdge.assetPath("batched")));
                }
                edge.awaitOpenStreams(20);
                // 150 events in one append: one ring batch, more than one run (runs hold 64 frames).
                AssetEvent[] batch = new AssetEvent[150];
                for (int i = 0; i < batch.length - 1; i++) {
                    batch[i] = Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "batched");
                }
                batch[batch.length - 1] = Events.of(EventType.READY, TestEdge.PROJECT, "batched");
                List<String> expected =
                        edge.append(batch).stream().map(EventId::toString).toList();
                for (SseClient client : clients) {
                    client.nextEvent(Duration.ofSeconds(10));
                    assertEquals(
                            expected,
                            client.events(batch.length, Duration.ofSeconds(20)).stream()
                                    .map(SseBlock::id)
                                    .toList());
                    assertTrue(client.awaitEnd(Duration.ofSeconds(10)), "ready ends the stream");
                }
            } finally {
                for (SseClient client : clients) {
                    client.close();
                }
            }
            edge.awaitOpenStreams(0);
        }
    }

    /**
     * One loop that cuts every event's fan-out into slices ({@code --delivery-slice 0ms}: it reads
     * its sockets every 16 streams), 300 streams, events published one by one; meanwhile a hundred
     * streams leave and come back with {@code Last-Event-ID} and fifty new ones join. Every stream,
     * across its reconnect, gets every event of the asset once, in order, up to its terminal event.
     */
    @Test
    @Timeout(120)
    void streamsThatComeAndGoBetweenTheSlicesOfAFanOutGetEveryEventOnce() throws Exception {
        int streams = 300;
        int events = 60;
        try (TestEdge edge = TestEdge.start(config -> config.ioThreads(1).deliverySlice(Duration.ZERO))) {
            List<String> expected = new ArrayList<>();
            expected.add(edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "sliced"))
                    .get(0)
                    .toString());
            List<SseClient> clients = new ArrayList<>();
            List<List<String>> before = new ArrayList<>();
            ExecutorService publisher = Executors.newSingleThreadExecutor();
            try {
                for (int i = 0; i < streams; i++) {
                    clients.add(SseClient.open(edge.port(), TestEdge.assetPath("sliced")));
                    before.add(List.of());
                }
                edge.awaitOpenStreams(streams);
                Future<List<String>> published = publisher.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i <= events; i++) {
                        EventType type = i == events ? EventType.READY : EventType.STAGE_STARTED;
                        ids.add(edge.append(Events.of(type, TestEdge.PROJECT, "sliced"))
                                .get(0)
                                .toString());
                        Thread.sleep(5);
                    }
                    return ids;
                });
                for (int i = 0; i < 100; i++) {
                    List<String> seen = ids(clients.get(i).events(2 + i % 5, Duration.ofSeconds(30)));
                    clients.get(i).close();
                    before.set(i, seen);
                    clients.set(
                            i,
                            SseClient.open(
                                    edge.port(),
                                    TestEdge.assetPath("sliced"),
                                    "Last-Event-ID: " + seen.get(seen.size() - 1)));
                    if (i % 2 == 0) {
                        clients.add(SseClient.open(edge.port(), TestEdge.assetPath("sliced")));
                        before.add(List.of());
                    }
                }
                expected.addAll(published.get(60, TimeUnit.SECONDS));
                for (int i = 0; i < clients.size(); i++) {
                    List<String> got = new ArrayList<>(before.get(i));
                    got.addAll(ids(clients.get(i).events(expected.size() - got.size(), Duration.ofSeconds(30))));
                    assertEquals(expected, got, "stream " + i);
                    assertTrue(clients.get(i).awaitEnd(Duration.ofSeconds(10)), "ready ends stream " + i);
                }
            } finally {
                publisher.shutdownNow();
                for (SseClient client : clients) {
                    client.close();
                }
            }
            edge.awaitOpenStreams(0);
        }
    }

    private static List<String> ids(List<SseBlock> events) {
        return events.stream().map(SseBlock::id).toList();
    }
}
