package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
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

/** One hot asset, a thousand concurrent streams: every stream gets every event, in order. */
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
                        return client.events(EVENTS, Duration.ofSeconds(60)).stream().map(SseBlock::id).toList();
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
}
