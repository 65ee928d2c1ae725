package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The request timeouts of a loop's connections share one queue and one timer
 * ({@link RequestDeadlines}): each connection still gets its own full timeout from when its clock
 * started, whatever the connections armed before it did (answered, handed to a stream, closed,
 * timed out), and a kept-alive connection's clock starts again after each answer.
 */
class RequestDeadlinesTest {
    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private static TestEdge edge;

    @BeforeAll
    static void start() throws Exception {
        edge = TestEdge.start(config -> config.headerTimeout(TIMEOUT));
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    @Test
    void everyConnectionGetsItsOwnTimeoutAmongOthersThatLeaveTheQueue() throws Exception {
        List<Socket> slow = new ArrayList<>();
        List<Long> started = new ArrayList<>();
        try (SseClient stream = SseClient.open(edge.port(), TestEdge.assetPath("a1"));
                Socket keptAlive = HttpWire.connect(edge.port())) {
            Socket closedEarly = HttpWire.connect(edge.port());
            // Connections armed one after the other on the server's two loops, some leaving the
            // queue early in between: a stream handed over, a connection closed by its client.
            for (int i = 0; i < 6; i++) {
                // Before the connect: the server's clock starts later, with the accept.
                started.add(System.nanoTime());
                Socket socket = HttpWire.connect(edge.port());
                socket.getOutputStream().write("GET /v1/".getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
                Thread.sleep(40);
            }
            closedEarly.close();
            // Before the request: the server's clock starts again later, with its answer.
            long asked = System.nanoTime();
            keptAlive
                    .getOutputStream()
                    .write("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(404, HttpWire.readResponse(keptAlive.getInputStream()).status());

            for (int i = 0; i < slow.size(); i++) {
                InputStream in = slow.get(i).getInputStream();
                RawResponse response = HttpWire.readResponse(in);
                long waited = System.nanoTime() - started.get(i);
                assertEquals(408, response.status(), "connection " + i);
                assertTrue(waited >= TIMEOUT.toNanos(), "connection " + i + " answered after " + waited + " ns");
                assertTrue(waited < TIMEOUT.toNanos() * 5, "connection " + i + " answered after " + waited + " ns");
                assertEquals(-1, in.read(), "closed after the answer");
            }

            // The kept-alive connection's clock started again with its answer: 408 a timeout later.
            RawResponse late = HttpWire.readResponse(keptAlive.getInputStream());
            assertEquals(408, late.status());
            assertTrue(System.nanoTime() - asked >= TIMEOUT.toNanos());

            // A stream has no request clock: it outlives the timeout.
            assertEquals(200, stream.status());
            assertFalse(stream.isEnded());
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }
}
