package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.log.ReplayPage;
import com.motioness.edge.log.StreamRef;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.KernelSockets;
import com.motioness.edge.support.PipeliningProducer;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pipelined requests past the bound of requests held per connection are not cut: the edge stops
 * reading the connection until its answers go out, so every request it read is answered, in
 * order, and a client that sends without reading is slowed down instead of buffered without end.
 */
class PipeliningTest {
    private static final int REQUESTS = 1_000;

    private TestEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    /** event id → request_id of every event of the test project. */
    private Map<String, String> storedRequestIds() throws Exception {
        Map<String, String> byId = new HashMap<>();
        EventId after = null;
        ReplayPage page;
        do {
            page = edge.server()
                    .log()
                    .read(StreamRef.project(TestEdge.PROJECT), after, 1000)
                    .get(5, TimeUnit.SECONDS);
            for (LoggedEvent event : page.events()) {
                byId.put(event.id().toString(), EventJson.decode(event.json()).requestId());
                after = event.id();
            }
        } while (page.more());
        return byId;
    }

    @Test
    void aThousandPipelinedPostsSentBeforeReadingAreEachAnsweredInOrderAndStoredOnce() throws Exception {
        edge = TestEdge.start(config -> config.retentionCount(10_000));
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (int i = 0; i < REQUESTS; i++) {
            requests.write(PipeliningProducer.request(TestEdge.PROJECT, "pipelined", "r" + i)
                    .getBytes(StandardCharsets.UTF_8));
        }
        try (Socket socket = HttpWire.connect(edge.port())) {
            // Written whole before anything is read. The kernel's buffers hold it all, so a writer
            // that blocks means the edge stopped reading for good: fail then, rather than hang.
            Thread writer = new Thread(
                    () -> {
                        try {
                            socket.getOutputStream().write(requests.toByteArray());
                            socket.getOutputStream().flush();
                        } catch (java.io.IOException e) {
                            // Seen below as answers missing.
                        }
                    },
                    "pipelining-writer");
            writer.start();
            writer.join(10_000);
            assertTrue(!writer.isAlive(), "the " + REQUESTS + " requests were written before reading");

            InputStream in = new BufferedInputStream(socket.getInputStream());
            String[] answeredIds = new String[REQUESTS];
            for (int i = 0; i < REQUESTS; i++) {
                RawResponse answer = HttpWire.readResponse(in);
                assertEquals(200, answer.status(), "request " + i + ": " + answer.bodyText());
                answeredIds[i] = answer.bodyText().replaceAll("(?s).*\\[\"([0-9-]+)\"].*", "$1");
            }
            Map<String, String> stored = storedRequestIds();
            assertEquals(REQUESTS, stored.size(), "each request stored once");
            for (int i = 0; i < REQUESTS; i++) {
                assertEquals("r" + i, stored.get(answeredIds[i]), "answer " + i + " belongs to request " + i);
            }
            socket.getOutputStream()
                    .write(PipeliningProducer.request(TestEdge.PROJECT, "pipelined", "one-more")
                            .getBytes(StandardCharsets.UTF_8));
            assertEquals(200, HttpWire.readResponse(in).status(), "and the connection goes on");
        }
    }

    @Test
    void aClientThatDoesNotReadItsAnswersIsNoLongerRead() throws Exception {
        edge = TestEdge.start(config -> config.headerTimeout(Duration.ofMinutes(1)));
        String request = "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n";
        int total = 20_000;
        byte[] all = request.repeat(total).getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket()) {
            // Small, fixed buffers on this side: what the client holds is known, and the kernel's
            // autotuning cannot hide a server that reads on.
            socket.setSendBufferSize(32 * 1024);
            socket.setReceiveBufferSize(32 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", edge.port()), 5_000);
            socket.setSoTimeout(10_000);
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(
                    () -> {
                        try {
                            OutputStream out = socket.getOutputStream();
                            for (int at = 0; at < all.length; at += 4096) {
                                int length = Math.min(4096, all.length - at);
                                out.write(all, at, length);
                                written.addAndGet(length);
                            }
                        } catch (java.io.IOException e) {
                            // The test closed the socket.
                        }
                    },
                    "non-reading-client");
            writer.setDaemon(true);
            writer.start();
            // An edge that reads on (as it did, queueing its answers without bound) takes the whole
            // 620 KB in a few seconds, pausing a second at most on a busy machine; one that stopped
            // reading leaves the writer blocked for good.
            long[] last = {-1};
            long[] since = {System.nanoTime()};
            Poll.until(
                    () -> {
                        long now = written.get();
                        if (now != last[0]) {
                            last[0] = now;
                            since[0] = System.nanoTime();
                        }
                        return !writer.isAlive() || System.nanoTime() - since[0] > TimeUnit.SECONDS.toNanos(3);
                    },
                    Duration.ofSeconds(60),
                    "the writer to finish or block");
            long blockedAt = written.get();
            System.out.println("PipeliningTest: a client that does not read could send " + blockedAt + " of "
                    + all.length + " bytes (" + blockedAt / request.length() + " requests)");
            assertTrue(
                    writer.isAlive(),
                    "the edge stopped reading: the client could not send all " + all.length + " bytes");
            if (KernelSockets.available()) {
                KernelSockets.Row edgeSide = KernelSockets.find(edge.port(), socket.getLocalPort());
                assertTrue(
                        edgeSide != null && edgeSide.receiveQueue() > 0,
                        "what the edge has not read waits in its kernel receive queue: " + edgeSide);
            }

            // Reading the answers lets the edge read again: every request gets its answer, in order.
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < total; i++) {
                assertEquals(404, HttpWire.readResponse(in).status(), "answer " + i);
            }
            writer.join(10_000);
            assertEquals(all.length, written.get());
        }
    }
}
