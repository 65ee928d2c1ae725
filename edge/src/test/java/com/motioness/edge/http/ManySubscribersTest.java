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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One hot asset, many concurrent streams: every stream gets every event, in order, whether the
 * events come one by one or as a batch the fan-out delivers to each stream as one run of frames.
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
}
