package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.log.ReplayPage;
import com.motioness.edge.log.StreamRef;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.IngestOutcomes;
import com.motioness.edge.support.PipeliningProducer;
import com.motioness.edge.support.PipeliningProducer.Outcome;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ingest while the node drains and when it closes, on the embedded log: during the drain
 * producers on open connections are served as usual; at close every request already read is
 * answered, 200 when stored and 503 when not, before the connections close.
 */
class IngestCloseTest {
    private static final String AUTH = "Authorization: Bearer " + TestEdge.INGEST_TOKEN;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TestEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    /** request_id → how many times the project's stream holds it; the embedded log stays readable after close. */
    private static Map<String, Integer> stored(EventLog log) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        EventId after = null;
        ReplayPage page;
        do {
            page = log.read(StreamRef.project(TestEdge.PROJECT), after, 1000).get(5, TimeUnit.SECONDS);
            for (LoggedEvent event : page.events()) {
                try {
                    counts.merge(EventJson.decode(event.json()).requestId(), 1, Integer::sum);
                } catch (EventValidationException e) {
                    throw new AssertionError(e);
                }
                after = event.id();
            }
        } while (page.more());
        return counts;
    }

    @Test
    void ingestOnAnOpenConnectionIsServedAsUsualWhileTheNodeDrains() throws Exception {
        edge = TestEdge.start();
        edge.ingest(EventType.QUEUED, "a1");
        try (SseClient stream = SseClient.open(edge.port(), TestEdge.assetPath("a1"));
                Socket producer = HttpWire.connect(edge.port())) {
            stream.nextEvent(WAIT);
            edge.awaitOpenStreams(1);
            // A long window: the stream stays open through this test, so the drain is under way.
            edge.server().drain(Duration.ofMinutes(1));
            Poll.until(() -> HttpWire.refusesConnections(edge.port()), WAIT, "the listening socket closed");

            OutputStream out = producer.getOutputStream();
            InputStream in = producer.getInputStream();
            for (int i = 0; i < 3; i++) {
                out.write(PipeliningProducer.request(TestEdge.PROJECT, "a1", "during-drain-" + i)
                        .getBytes(StandardCharsets.UTF_8));
                RawResponse answer = HttpWire.readResponse(in);
                assertEquals(200, answer.status(), answer.bodyText());
                assertEquals(null, answer.header("connection"), "the connection stays open for more");
                String id = answer.bodyText().replaceAll("(?s).*\\[\"([0-9-]+)\"].*", "$1");
                assertEquals(id, stream.nextEvent(WAIT).id(), "and the event reaches the stream still open");
            }
        }
    }

    @Test
    void closeAnswersEveryIngestRequestReadAndStoresOnlyThoseAnswered200() throws Exception {
        edge = TestEdge.start(config -> config.retentionCount(1_000_000));
        List<PipeliningProducer> producers = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                producers.add(PipeliningProducer.start(edge.port(), TestEdge.PROJECT, "a" + i, 4));
            }
            Poll.until(
                    () -> producers.stream()
                                    .mapToInt(PipeliningProducer::answeredOk)
                                    .sum()
                            > 500,
                    WAIT,
                    "producers under way");
            TestEdge closing = edge;
            edge = null;
            long start = System.nanoTime();
            closing.close();
            long closeMillis = (System.nanoTime() - start) / 1_000_000;
            List<Outcome> outcomes = new ArrayList<>();
            for (PipeliningProducer producer : producers) {
                outcomes.addAll(producer.awaitEnd(10_000));
            }
            IngestOutcomes.Tally tally =
                    IngestOutcomes.check(outcomes, stored(closing.server().log()));
            System.out.println("IngestCloseTest: " + tally + ", close() took " + closeMillis + " ms");
        } finally {
            producers.forEach(PipeliningProducer::close);
        }
    }

    @Test
    void aBodyStillArrivingAtCloseIsAnswered503AndNotStored() throws Exception {
        edge = TestEdge.start();
        try (Socket partial = HttpWire.connect(edge.port())) {
            OutputStream out = partial.getOutputStream();
            out.write(("POST /internal/events HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH
                            + "\r\nExpect: 100-continue\r\nContent-Length: 1000\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            InputStream in = partial.getInputStream();
            assertEquals(100, HttpWire.readHead(in).status(), "the head was read");
            out.write("[{\"type\":".getBytes(StandardCharsets.UTF_8));
            TestEdge closing = edge;
            edge = null;
            closing.close();
            RawResponse answer = HttpWire.readResponse(in);
            assertEquals(503, answer.status(), answer.bodyText());
            assertTrue(answer.bodyText().startsWith("{\"error\":\"draining\""), answer.bodyText());
            assertEquals("1", answer.header("retry-after"));
            assertEquals("close", answer.header("connection"));
            assertEquals(Map.of(), stored(closing.server().log()));
        }
    }
}
