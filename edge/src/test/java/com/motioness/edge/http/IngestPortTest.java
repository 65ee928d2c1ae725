package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.log.StreamRef;
import com.motioness.edge.support.ErrorAnswers;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import io.netty.channel.EventLoop;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ingest listener ({@code --ingest-port}): ingest alone, with the public port's contract, on an
 * event loop of its own, so it is answered while the fan-out's loops are busy.
 */
class IngestPortTest {
    private static final String AUTH = "Authorization: Bearer " + TestEdge.INGEST_TOKEN;

    private TestEdge edge;
    private CountDownLatch busy;

    @BeforeEach
    void start() throws Exception {
        edge = TestEdge.start(config -> config.ingestPort(0));
    }

    @AfterEach
    void stop() {
        if (busy != null) {
            busy.countDown();
        }
        edge.close();
    }

    /** A keep-alive ingest request of one event: producers keep their connections. */
    private static String ingestRequest(String asset) {
        byte[] body = Events.json(EventType.QUEUED, TestEdge.PROJECT, asset).getBytes(StandardCharsets.UTF_8);
        return "POST /internal/events HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n"
                + new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void eventsIngestedOnTheIngestPortAreStreamedOnThePublicPort() throws Exception {
        int ingestPort = edge.server().ingestPort();
        assertTrue(ingestPort > 0);
        assertNotEquals(edge.port(), ingestPort);
        RawResponse response = HttpWire.exchange(ingestPort, ingestRequest("a1"));
        assertEquals(200, response.status(), response.bodyText());
        String id = response.bodyText().replaceAll("\\D", "");
        try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
            SseBlock block = client.nextEvent(Duration.ofSeconds(5));
            assertEquals(id, block.id());
        }
    }

    @Test
    void theIngestPortServesIngestAloneWithItsChecks() throws Exception {
        RawResponse stream = HttpWire.get(edge.server().ingestPort(), TestEdge.assetPath("a1"));
        ErrorAnswers.assertError(stream, 404, "not_found", "a stream on the ingest port");
        assertTrue(stream.bodyText().contains("ingest alone"), stream.bodyText());

        RawResponse noToken = HttpWire.exchange(
                edge.server().ingestPort(),
                HttpWire.request("POST", "/internal/events", Events.json(EventType.QUEUED, TestEdge.PROJECT, "a1")));
        assertEquals(401, noToken.status(), noToken.bodyText());

        RawResponse invalid = HttpWire.exchange(
                edge.server().ingestPort(), HttpWire.request("POST", "/internal/events", "{\"type\":", AUTH));
        assertEquals(400, invalid.status());
        assertTrue(invalid.bodyText().contains("\"field\":\"body\""), invalid.bodyText());
    }

    /**
     * Every I/O loop held by a task, as a long fan-out holds them (Netty runs a loop's tasks for up
     * to its task quantum before reading a socket): the ingest port still answers at once, the
     * public port only once the loops are free.
     */
    @Test
    void theIngestPortAnswersWhileTheFanoutLoopsAreBusy() throws Exception {
        // Both connections open, and their first request answered, before the loops are taken.
        try (Socket overPublic = HttpWire.connect(edge.port());
                Socket overIngest = HttpWire.connect(edge.server().ingestPort())) {
            assertEquals(200, exchange(overPublic, ingestRequest("a0")).status());
            assertEquals(200, exchange(overIngest, ingestRequest("a0")).status());

            busy = new CountDownLatch(1);
            CountDownLatch taken = new CountDownLatch(edge.server().eventLoops().size());
            for (EventLoop loop : edge.server().eventLoops()) {
                loop.execute(() -> {
                    taken.countDown();
                    try {
                        busy.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(taken.await(5, TimeUnit.SECONDS));

            send(overPublic, ingestRequest("a1"));
            long start = System.nanoTime();
            RawResponse answered = exchange(overIngest, ingestRequest("a2"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(200, answered.status(), answered.bodyText());
            assertTrue(millis < 2_000, "answered in " + millis + " ms with the loops busy");

            overPublic.setSoTimeout(500);
            assertFalse(answersWithin(overPublic), "the public port's loop is busy: no answer yet");
            busy.countDown();
            overPublic.setSoTimeout(10_000);
            assertEquals(200, HttpWire.readResponse(overPublic.getInputStream()).status());
        }
        assertTrue(
                edge.server()
                        .log()
                        .read(StreamRef.asset("a1"), null, 1)
                        .get(5, TimeUnit.SECONDS)
                        .found(),
                "the request read while the loops were busy was stored");
    }

    @Test
    void theIngestPortStopsTakingConnectionsWhenTheNodeDrains() throws Exception {
        int ingestPort = edge.server().ingestPort();
        try (Socket producer = HttpWire.connect(ingestPort)) {
            assertEquals(200, exchange(producer, ingestRequest("a1")).status());
            edge.server().drain(Duration.ofSeconds(5));
            Poll.until(() -> HttpWire.refusesConnections(ingestPort), Duration.ofSeconds(5), "the listener closed");
            // A producer already connected is served during the drain, as on the public port.
            assertEquals(200, exchange(producer, ingestRequest("a2")).status());
        }
    }

    private static void send(Socket socket, String request) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static RawResponse exchange(Socket socket, String request) throws Exception {
        send(socket, request);
        return HttpWire.readResponse(socket.getInputStream());
    }

    private static boolean answersWithin(Socket socket) throws Exception {
        try {
            return socket.getInputStream().read() >= 0;
        } catch (SocketTimeoutException timedOut) {
            return false;
        }
    }
}
