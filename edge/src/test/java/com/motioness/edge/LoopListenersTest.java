package com.motioness.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.KernelSockets;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.edge.transport.ListenerBindException;
import com.motioness.protocol.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each event loop accepts its own connections from a listening socket of its own (SO_REUSEPORT),
 * and that option does not let a second edge onto a port already served: unless both ask for it
 * with {@code --reuse-port}, the second start fails as it would on any port taken.
 */
class LoopListenersTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    @Timeout(60)
    void theKernelSpreadsNewConnectionsOverTheLoopsAndEachServesThoseItAccepted() throws Exception {
        try (TestEdge edge = TestEdge.start(config -> config.ioThreads(2))) {
            if (KernelSockets.available()) {
                assertEquals(2, KernelSockets.listening(edge.port()), "listening sockets, one per event loop");
            }
            List<SseClient> streams = new ArrayList<>();
            try {
                // 32 connections from as many source ports: all on one loop has odds of 2^-31.
                for (int i = 0; i < 32; i++) {
                    SseClient stream = SseClient.open(edge.port(), TestEdge.assetPath("spread-" + i));
                    assertEquals(200, stream.status());
                    streams.add(stream);
                }
                edge.awaitOpenStreams(32);
                List<Integer> perLoop = edge.server().openStreamsPerLoop();
                assertTrue(perLoop.get(0) > 0 && perLoop.get(1) > 0, "streams per loop: " + perLoop);

                // Each stream is served by the loop that accepted it: an event reaches them all.
                for (int i = 0; i < 32; i++) {
                    edge.ingest(EventType.QUEUED, "spread-" + i);
                }
                for (SseClient stream : streams) {
                    assertEquals("queued", stream.nextEvent(WAIT).event());
                }
            } finally {
                closeAll(streams);
            }
        }
    }

    @Test
    @Timeout(60)
    void aSecondEdgeOnAServedPortIsRefusedThoughEachLoopBindsItWithReusePort() throws Exception {
        try (TestEdge first = TestEdge.start()) {
            int port = first.port();
            ListenerBindException refused =
                    assertThrows(ListenerBindException.class, () -> TestEdge.start(config -> config.port(port)));
            assertEquals("--port " + port + " on 127.0.0.1: address already in use", refused.getMessage());
        }
    }

    @Test
    @Timeout(60)
    void withReusePortTwoEdgesShareOnePortAndBothServeStreams() throws Exception {
        try (TestEdge first = TestEdge.start(config -> config.reusePort(true));
                TestEdge second =
                        TestEdge.start(config -> config.port(first.port()).reusePort(true))) {
            List<SseClient> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 32; i++) {
                    SseClient stream = SseClient.open(first.port(), TestEdge.assetPath("shared-" + i));
                    assertEquals(200, stream.status());
                    streams.add(stream);
                }
                waitForStreams(first, second, 32);
                assertTrue(
                        first.server().openStreams() > 0 && second.server().openStreams() > 0,
                        "streams: " + first.server().openStreams() + " and "
                                + second.server().openStreams());
            } finally {
                closeAll(streams);
            }
        }
    }

    private static void closeAll(List<SseClient> streams) throws java.io.IOException {
        for (SseClient stream : streams) {
            stream.close();
        }
    }

    private static void waitForStreams(TestEdge a, TestEdge b, int count) throws InterruptedException {
        Poll.until(
                () -> a.server().openStreams() + b.server().openStreams() == count,
                WAIT,
                count + " open streams over the two edges");
    }
}
