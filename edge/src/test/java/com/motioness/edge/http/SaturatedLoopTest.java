package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A loop with a backlog of fan-out still reads its sockets: one event loop, a hundred streams of one
 * asset and thousands of events appended at once (seconds of writing for the loop), and a request on
 * a new connection of that loop is answered while the backlog is still being written, not after it.
 * Netty runs queued tasks for up to a second before it reads sockets again; the fan-out yields
 * every 16,384 writes with a scheduled continuation, which Netty takes in only after a read.
 * Checked failing the other way: with the continuation executed instead, the probe waited 19.8 s.
 * 16,000 events (4 MB per stream): with 4,000 the kernel's socket buffers took the whole backlog at
 * once and the loop was never busy long enough to tell.
 */
class SaturatedLoopTest {
    private static final int STREAMS = 100;
    private static final int EVENTS = 16_000;
    private static final String END = "backlog-end";

    @Test
    @Timeout(120)
    void aRequestOnALoopBusyWithABacklogIsAnsweredBeforeTheBacklogIsWritten() throws Exception {
        try (TestEdge edge = TestEdge.start(config -> config.ioThreads(1))) {
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "hot"));
            List<Socket> sockets = new ArrayList<>();
            CountDownLatch drained = new CountDownLatch(STREAMS);
            try {
                for (int i = 0; i < STREAMS; i++) {
                    Socket socket = new Socket("127.0.0.1", edge.port());
                    sockets.add(socket);
                    request(socket, TestEdge.assetPath("hot"));
                    Thread reader = new Thread(() -> readUntilEnd(socket, drained), "reader-" + i);
                    reader.setDaemon(true);
                    reader.start();
                }
                edge.awaitOpenStreams(STREAMS);

                List<AssetEvent> batch = new ArrayList<>();
                for (int i = 0; i < EVENTS; i++) {
                    batch.add(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "hot"));
                    if (batch.size() == 500) {
                        edge.append(batch.toArray(AssetEvent[]::new));
                        batch.clear();
                    }
                }
                edge.append(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "hot", END));
                long appended = System.nanoTime();

                // The probe: a new connection on the same (only) loop, a request answered at once.
                long answeredNanos;
                try (Socket probe = new Socket("127.0.0.1", edge.port())) {
                    long sent = System.nanoTime();
                    request(probe, TestEdge.assetPath("no-such-asset"));
                    int first = probe.getInputStream().read();
                    answeredNanos = System.nanoTime();
                    assertTrue(first == 'H', "an HTTP answer");
                    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(answeredNanos - sent);
                    long stillWriting = drained.getCount();
                    assertTrue(
                            stillWriting > 0,
                            "the backlog must outlast the probe for the test to mean anything (it drained in "
                                    + TimeUnit.NANOSECONDS.toMillis(answeredNanos - appended) + " ms)");
                    assertTrue(
                            // A few loop turns and a pause of the test JVM's collector at most: the same
                            // probe waited for the whole backlog (19.8 s) without the yield.
                            waitedMillis < 5_000,
                            "answered in " + waitedMillis + " ms while " + stillWriting
                                    + " streams were still being written their backlog");
                }
                assertTrue(drained.await(60, TimeUnit.SECONDS), "every stream gets the whole backlog");
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    /**
     * A turn of the loop takes runs of frames until its budget of 4,096 frames is passed, so it can
     * hold up to a run (64) more: one frame of another asset, then runs of 64, make the turn of 4,097
     * frames a feed stream gets all of.
     */
    @Test
    @Timeout(60)
    void aTurnThatEndsARunPastItsFrameBudgetDeliversEveryFrame() throws Exception {
        try (TestEdge edge = TestEdge.start(config -> config.ioThreads(1));
                SseClient feed = SseClient.open(
                        edge.port(),
                        "/api/projects/" + TestEdge.PROJECT + "/activity",
                        TestEdge.cookie(TestEdge.SESSION))) {
            edge.awaitOpenStreams(1);
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // The loop held while the events are appended: it finds them all in its inbox at once.
            edge.server().eventLoops().get(0).execute(() -> {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(held.await(5, TimeUnit.SECONDS));
            int events = 1 + 64 * 70;
            try {
                edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "other"));
                List<AssetEvent> batch = new ArrayList<>();
                for (int i = 1; i < events; i++) {
                    batch.add(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "hot"));
                    if (batch.size() == 500 || i == events - 1) {
                        edge.append(batch.toArray(AssetEvent[]::new));
                        batch.clear();
                    }
                }
            } finally {
                release.countDown();
            }
            assertEquals(events, feed.events(events, Duration.ofSeconds(30)).size());
        }
    }

    private static void request(Socket socket, String path) throws IOException {
        socket.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads and drops the stream's bytes until the last event's request id passes. */
    private static void readUntilEnd(Socket socket, CountDownLatch drained) {
        byte[] marker = END.getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[64 * 1024];
        int matched = 0;
        try (InputStream in = socket.getInputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    matched = buffer[i] == marker[matched] ? matched + 1 : buffer[i] == marker[0] ? 1 : 0;
                    if (matched == marker.length) {
                        drained.countDown();
                        return;
                    }
                }
            }
        } catch (IOException closed) {
            // the test is over
        }
    }
}
