package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.KernelSockets;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading, on real sockets: the edge's kernel send buffer is bounded by
 * {@code --send-buffer}, so the channel turns unwritable soon and the stream is cut as a slow
 * consumer within the timeout plus the time the bounded buffers take to fill, while the kernel
 * holds little for it (with the kernel's autotuning the buffer grows to megabytes first). However
 * its stream ends, its connection closes within the timeout and is reset, so the kernel frees what
 * it queued instead of keeping an orphan socket for minutes.
 */
class StalledClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final int SEND_BUFFER = 64 * 1024;
    private static final int HIGH = 32 * 1024;
    /** The kernel keeps twice SO_SNDBUF, and may fill one more segment past it (64 KiB on loopback). */
    private static final long KERNEL_BOUND = 2L * SEND_BUFFER + 64 * 1024;
    /**
     * What queues before the channel turns unwritable: the stalled client's window (its 4 KiB receive
     * buffer, doubled by Linux), the kernel bound, and Netty's high-water mark.
     */
    private static final long FILL_BOUND = 8 * 1024 + KERNEL_BOUND + HIGH;

    private static final String SLOW_CUTS =
            "motioness_streams_closed_total{reason=\"slow_consumer\",route=\"public_asset\"}";
    private static final String ASSET = "stalled-asset";

    private TestEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    @Test
    void aClientThatNeverReadsIsCutWithinTheTimeoutAndTheKernelHoldsLittleForIt() throws Exception {
        assumeTrue(KernelSockets.available(), "reads the edge's send queue from /proc/net/tcp (Linux)");
        edge = TestEdge.start(config -> config.slowConsumerTimeout(TIMEOUT)
                .writeBufferHigh(HIGH)
                .sendBuffer(SEND_BUFFER)
                .retentionCount(100_000));
        List<String> published = new ArrayList<>();
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, ASSET)).forEach(id -> published.add(id.toString()));

        try (SseClient reader = SseClient.open(edge.port(), TestEdge.assetPath(ASSET));
                Socket stalled = stalledClient()) {
            edge.awaitOpenStreams(2);

            Publisher publisher = new Publisher();
            publisher.start();
            long maxSendQueue = 0;
            try {
                while (edge.server().openStreams() == 2 && publisher.isAlive()) {
                    KernelSockets.Row row = KernelSockets.find(edge.port(), stalled.getLocalPort());
                    if (row != null) {
                        maxSendQueue = Math.max(maxSendQueue, row.sendQueue());
                    }
                    Thread.sleep(2);
                }
            } finally {
                publisher.finish();
            }
            assertEquals(
                    1,
                    edge.server().openStreams(),
                    "the stalled stream was cut within "
                            + Publisher.LIMIT.toSeconds() + " s of publishing (the kernel held up to " + maxSendQueue
                            + " bytes for it); the reader's stream stays open");
            assertEquals(1.0, edge.metric(SLOW_CUTS), "cut as a slow consumer");

            double seconds = publisher.nanosToCut / 1e9;
            double bytesPerSecond = publisher.bytesAtCut / seconds;
            // The channel turns unwritable once FILL_BOUND bytes queued; the cut follows within the
            // timeout (or sooner, at four times the high-water mark) plus a tick of the loop's ticker.
            double bound = FILL_BOUND / bytesPerSecond + TIMEOUT.toMillis() / 1e3 + 0.25 + 0.5;
            assertTrue(
                    seconds <= bound,
                    String.format(
                            "cut after %.2f s, %d bytes published at %.0f B/s; bound %.2f s",
                            seconds, publisher.bytesAtCut, bytesPerSecond, bound));
            assertTrue(
                    maxSendQueue <= KERNEL_BOUND,
                    "the edge's kernel send queue for the stalled client peaked at " + maxSendQueue + " bytes, over "
                            + KERNEL_BOUND);
            assertFreedByAReset(stalled);

            published.addAll(publisher.ids);
            published.add(edge.append(Events.of(EventType.READY, TestEdge.PROJECT, ASSET))
                    .get(0)
                    .toString());
            List<String> received = new ArrayList<>();
            for (SseBlock block : reader.events(published.size(), WAIT)) {
                received.add(block.id());
            }
            assertEquals(published, received, "the reading client got every event, in order");
            assertTrue(reader.awaitEnd(WAIT) && reader.endedCleanly(), "and its stream ended at the terminal event");
        }
    }

    @Test
    void aStreamThatEndsWhileItsClientIsStalledClosesItsConnectionWithinTheTimeout() throws Exception {
        assumeTrue(KernelSockets.available(), "reads the edge's send queue from /proc/net/tcp (Linux)");
        // A high-water mark above what is published: the channel stays writable, so nothing but the
        // cap ends the stream, and its last chunk waits behind a full kernel buffer.
        edge = TestEdge.start(config -> config.slowConsumerTimeout(TIMEOUT)
                .writeBufferHigh(512 * 1024)
                .sendBuffer(SEND_BUFFER)
                .maxStreamDuration(Duration.ofSeconds(2)));
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, ASSET));
        try (Socket stalled = stalledClient()) {
            edge.awaitOpenStreams(1);
            edge.append(kilobyteEvents(300));
            // Small segments cost the kernel more than their bytes: it is full before 2 x SO_SNDBUF.
            awaitQueued(stalled, SEND_BUFFER, "the edge's kernel send buffer full");

            edge.awaitOpenStreams(0);
            long ended = System.nanoTime();
            Poll.until(() -> connectionsOpen() == 0, WAIT, "the stalled connection closed");
            double seconds = (System.nanoTime() - ended) / 1e9;
            assertTrue(
                    seconds <= TIMEOUT.toMillis() / 1e3 + 0.5,
                    String.format(
                            "the connection closed %.2f s after its stream ended at the cap, more than the %d ms timeout",
                            seconds, TIMEOUT.toMillis()));
            assertFreedByAReset(stalled);
        }
    }

    @Test
    void aStalledClientWhoseStreamEndsBeforeItsKernelBufferFillsIsResetToo() throws Exception {
        assumeTrue(KernelSockets.available(), "reads the edge's send queue from /proc/net/tcp (Linux)");
        edge = TestEdge.start(config ->
                config.slowConsumerTimeout(TIMEOUT).sendBuffer(SEND_BUFFER).maxStreamDuration(Duration.ofSeconds(2)));
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, ASSET));
        try (Socket stalled = stalledClient()) {
            edge.awaitOpenStreams(1);
            // About 20 KB: more than the client's window, far less than the kernel's buffer, so the
            // last chunk is taken at once and an ordinary close would leave it queued behind the rest.
            edge.append(kilobyteEvents(20));
            awaitQueued(stalled, 1, "bytes queued behind the client's closed window");

            edge.awaitOpenStreams(0);
            assertFreedByAReset(stalled);
        }
    }

    /**
     * A client of the asset's stream that sends its request and never reads. Its small receive
     * buffer keeps the client's share of the bytes in flight small, so what queues is the edge's.
     */
    private Socket stalledClient() throws java.io.IOException {
        Socket stalled = new Socket();
        stalled.setReceiveBufferSize(4096);
        stalled.connect(new InetSocketAddress("127.0.0.1", edge.port()));
        stalled.getOutputStream()
                .write(("GET " + TestEdge.assetPath(ASSET) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        return stalled;
    }

    /** Waits until the edge's kernel holds at least {@code bytes} for the client. */
    private void awaitQueued(Socket stalled, long bytes, String what) throws InterruptedException {
        Poll.until(
                () -> {
                    KernelSockets.Row row = KernelSockets.find(edge.port(), stalled.getLocalPort());
                    return row != null && row.sendQueue() >= bytes;
                },
                WAIT,
                what);
    }

    /** Events of the asset of about 1 KB each (a long error message). */
    private static AssetEvent[] kilobyteEvents(int count) throws EventValidationException {
        AssetEvent[] events = new AssetEvent[count];
        for (int i = 0; i < count; i++) {
            events[i] = AssetEvent.builder(EventType.STAGE_FAILED)
                    .assetId(ASSET)
                    .projectId(TestEdge.PROJECT)
                    .ts(1)
                    .attempt(1)
                    .stage("render")
                    .error("E", "x".repeat(900))
                    .requestId("r")
                    .build();
        }
        return events;
    }

    /**
     * The edge's socket for a client that acknowledged everything but its closed window is gone from
     * the kernel at once: reset, not left an orphan in FIN-WAIT-1 holding its send queue for minutes;
     * the client reads what reached it, then the reset.
     */
    private void assertFreedByAReset(Socket stalled) throws Exception {
        Poll.until(
                () -> KernelSockets.find(edge.port(), stalled.getLocalPort()) == null,
                Duration.ofSeconds(2),
                "the edge's socket freed by the kernel (now " + KernelSockets.find(edge.port(), stalled.getLocalPort())
                        + ")");
        stalled.setSoTimeout(5_000);
        assertThrows(SocketException.class, () -> stalled.getInputStream().readAllBytes(), "the client is reset");
    }

    private double connectionsOpen() {
        try {
            return edge.metric("motioness_connections_open");
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /**
     * Appends ~1 KB events to the asset at about 80 KB/s (the slow-consumer timeout, not the 4x
     * ceiling, is then what cuts), until told to finish or for at most {@link #LIMIT}.
     */
    private final class Publisher extends Thread {
        static final Duration LIMIT = Duration.ofSeconds(8);

        final List<String> ids = new ArrayList<>();
        volatile boolean done;
        volatile long nanosToCut;
        volatile long bytesAtCut;

        Publisher() {
            super("stalled-client-publisher");
            setDaemon(true);
        }

        @Override
        public void run() {
            long started = System.nanoTime();
            long bytes = 0;
            long next = started;
            try {
                while (!done && System.nanoTime() - started < LIMIT.toNanos()) {
                    AssetEvent[] batch = kilobyteEvents(2);
                    for (AssetEvent event : batch) {
                        bytes += EventJson.encode(event).length;
                    }
                    for (EventId id : edge.append(batch)) {
                        ids.add(id.toString());
                    }
                    bytesAtCut = bytes;
                    nanosToCut = System.nanoTime() - started;
                    next += Duration.ofMillis(25).toNanos();
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        /** Stops publishing; the last batch's time and bytes stand for the cut. */
        void finish() throws InterruptedException {
            done = true;
            join();
        }
    }
}
