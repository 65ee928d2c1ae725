package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.H2Client;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 with prior knowledge on the cleartext port: many SSE streams on one connection, each with
 * its own events, cursor, pings and end; ingest, the dashboard and errors as on HTTP/1; a stream
 * whose reader stopped is cut alone; the drain's GOAWAY.
 */
class Http2StreamsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TestEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    @Test
    void manyStreamsOnOneConnectionEachGetTheirOwnAssetAndOneEndingLeavesTheOthers() throws Exception {
        edge = TestEdge.start(config -> config.pingInterval(Duration.ofMillis(300)));
        int count = 24;
        try (H2Client client = H2Client.connect(edge.port())) {
            List<H2Client.Stream> streams = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                streams.add(client.get(TestEdge.assetPath("h2-asset-" + i)));
            }
            for (H2Client.Stream stream : streams) {
                assertEquals(200, stream.status());
                assertEquals("text/event-stream; charset=utf-8", stream.header("content-type"));
                assertNull(stream.header("connection"), "no connection-specific header on HTTP/2");
                assertNull(stream.header("transfer-encoding"));
            }
            edge.awaitOpenStreams(count);
            List<EventId> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.addAll(edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "h2-asset-" + i)));
            }
            for (int i = 0; i < count; i++) {
                H2Client.Stream stream = streams.get(i);
                stream.awaitEvents(1, WAIT);
                SseBlock event = stream.events().get(0);
                assertEquals("queued", event.event());
                assertEquals(ids.get(i).toString(), event.id(), "each stream its own asset's event and id");
                assertTrue(event.data().contains("\"asset_id\":\"h2-asset-" + i + "\""), event.data());
                assertEquals(1, stream.events().size(), stream.text());
            }
            // Pings per stream: every one of them idle for longer than the interval gets its own.
            for (H2Client.Stream stream : streams) {
                Poll.until(() -> stream.blocks().stream().anyMatch(SseBlock::isPing), WAIT, "a ping on each stream");
            }

            // The terminal event ends its stream (END_STREAM), and only it.
            edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "h2-asset-0"));
            streams.get(0).awaitEnd(WAIT);
            assertTrue(streams.get(0).endedCleanly(), "END_STREAM, not a reset");
            assertEquals("ready", streams.get(0).events().get(1).event());
            edge.awaitOpenStreams(count - 1);
            assertTrue(client.isOpen(), "the connection stays");
            edge.append(Events.of(EventType.VISION_STARTED, TestEdge.PROJECT, "h2-asset-1"));
            streams.get(1).awaitEvents(2, WAIT);
            for (int i = 1; i < count; i++) {
                assertFalse(streams.get(i).ended(), "stream " + i + " goes on");
            }
            // A new stream on the same connection still opens.
            H2Client.Stream more = client.get(TestEdge.assetPath("h2-asset-more"));
            assertEquals(200, more.status());
            assertTrue(
                    edge.counter("motioness_streams_opened_by_protocol_total{protocol=\"h2\"}") >= count + 1,
                    "streams counted by protocol");
            assertEquals(1.0, edge.counter("motioness_connections_by_protocol{protocol=\"h2\",tls=\"false\"}"));
        }
    }

    @Test
    void lastEventIdResumesOverHttp2() throws Exception {
        edge = TestEdge.start();
        List<EventId> ids = edge.append(
                Events.of(EventType.QUEUED, TestEdge.PROJECT, "h2-resume"),
                Events.of(EventType.VISION_STARTED, TestEdge.PROJECT, "h2-resume"),
                Events.of(EventType.VISION_COMPLETED, TestEdge.PROJECT, "h2-resume"));
        try (H2Client client = H2Client.connect(edge.port())) {
            H2Client.Stream stream = client.get(
                    TestEdge.assetPath("h2-resume"), "Last-Event-ID", ids.get(0).toString());
            assertEquals(200, stream.status());
            stream.awaitEvents(2, WAIT);
            assertEquals(ids.get(1).toString(), stream.events().get(0).id());
            assertEquals(ids.get(2).toString(), stream.events().get(1).id());
            assertEquals("3000", stream.blocks().get(0).retry());
            // At the asset's end: 204 ends the stream, as on HTTP/1.
            edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "h2-resume"));
            stream.awaitEnd(WAIT);
            String last = stream.events().get(2).id();
            H2Client.Stream after = client.get(TestEdge.assetPath("h2-resume"), "Last-Event-ID", last);
            assertEquals(204, after.status());
            after.awaitEnd(WAIT);
            assertTrue(after.endedCleanly());
        }
    }

    @Test
    void theCapEndsOnlyItsStreamAndTheConnectionServesNewOnes() throws Exception {
        edge = TestEdge.start(config -> config.maxStreamDuration(Duration.ofSeconds(1)));
        try (H2Client client = H2Client.connect(edge.port())) {
            H2Client.Stream first = client.get(TestEdge.assetPath("h2-capped"));
            assertEquals(200, first.status());
            first.awaitEnd(WAIT);
            assertTrue(first.endedCleanly(), "the cap ends the stream with END_STREAM");
            assertTrue(client.isOpen());
            H2Client.Stream second = client.get(TestEdge.assetPath("h2-capped"));
            assertEquals(200, second.status());
            assertEquals(first.id() + 2, second.id());
        }
    }

    @Test
    void aConnectionWithoutStreamsEndsAfterTheRequestTimeoutOneWithAStreamStays() throws Exception {
        edge = TestEdge.start(config -> config.headerTimeout(Duration.ofMillis(500)));
        try (H2Client idle = H2Client.connect(edge.port());
                H2Client streaming = H2Client.connect(edge.port())) {
            H2Client.Stream dashboard = idle.get("/dashboard/");
            assertEquals(200, dashboard.status());
            H2Client.Stream stream = streaming.get(TestEdge.assetPath("h2-kept"));
            assertEquals(200, stream.status());
            Poll.until(() -> !idle.isOpen(), WAIT, "the idle connection's end");
            assertNotNull(idle.goAway());
            assertEquals(Http2Error.NO_ERROR.code(), idle.goAway().errorCode());
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "h2-kept"));
            stream.awaitEvents(1, WAIT);
            assertTrue(streaming.isOpen(), "a connection with an open stream is not idle");
        }
    }

    @Test
    void aRevokedKeyEndsItsStreamsAndLeavesTheOtherKeysStreamOnTheSameConnection(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.txt");
        String revoked = "revoked-key-000001";
        String kept = "kept-key-0000000001";
        Files.writeString(keys, revoked + "=" + TestEdge.PROJECT + "\n" + kept + "=" + TestEdge.PROJECT + "\n");
        edge = TestEdge.start(config -> config.keysFile(keys).keyRecheck(Duration.ofMillis(200)));
        try (H2Client client = H2Client.connect(edge.port())) {
            H2Client.Stream ending = client.get("/v1/" + revoked + "/events/h2-key");
            H2Client.Stream staying = client.get("/v1/" + kept + "/events/h2-key");
            assertEquals(200, ending.status());
            assertEquals(200, staying.status());
            Files.writeString(keys, kept + "=" + TestEdge.PROJECT + "\n");
            Files.setLastModifiedTime(keys, FileTime.from(Instant.now().plusSeconds(5)));
            ending.awaitEnd(WAIT);
            assertTrue(ending.endedCleanly(), "END_STREAM");
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "h2-key"));
            staying.awaitEvents(1, WAIT);
            assertFalse(staying.ended());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void theLimitPerAddressCountsStreamsNotConnections() throws Exception {
        edge = TestEdge.start(config -> config.maxStreamsPerAddress(3));
        try (H2Client client = H2Client.connect(edge.port())) {
            for (int i = 0; i < 3; i++) {
                assertEquals(
                        200, client.get(TestEdge.assetPath("h2-limited-" + i)).status());
            }
            H2Client.Stream fourth = client.get(TestEdge.assetPath("h2-limited-3"));
            assertEquals(429, fourth.status());
            fourth.awaitEnd(WAIT);
            assertTrue(fourth.text().contains("\"too_many_streams\""), fourth.text());
            assertEquals("1", fourth.header("retry-after"));
            assertTrue(client.isOpen());
        }
    }

    @Test
    void maxConcurrentStreamsIsAdvertised() throws Exception {
        edge = TestEdge.start(config -> config.h2MaxStreams(7));
        try (H2Client client = H2Client.connect(edge.port())) {
            assertEquals(7L, client.remoteSettings().maxConcurrentStreams());
        }
    }

    @Test
    void ingestTheDashboardAndErrorsAreServedOverHttp2() throws Exception {
        edge = TestEdge.start();
        try (H2Client client = H2Client.connect(edge.port())) {
            byte[] body = Events.json(EventType.QUEUED, TestEdge.PROJECT, "h2-ingested")
                    .getBytes(StandardCharsets.UTF_8);
            H2Client.Stream ingest = client.post(
                    "/internal/events",
                    body,
                    "Authorization",
                    "Bearer " + TestEdge.INGEST_TOKEN,
                    "Content-Type",
                    "application/json");
            assertEquals(200, ingest.status(), ingest.text());
            ingest.awaitEnd(WAIT);
            assertTrue(ingest.endedCleanly());
            assertTrue(ingest.text().startsWith("{\"ids\":[\""), ingest.text());

            // A body past the stream's initial window (64 KiB): the window is replenished as it is read.
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < 1000; i++) {
                batch.append(i == 0 ? "" : ",")
                        .append(Events.json(EventType.STAGE_STARTED, TestEdge.PROJECT, "h2-batch"));
            }
            byte[] large = batch.append(']').toString().getBytes(StandardCharsets.UTF_8);
            assertTrue(large.length > 100 * 1024, "length " + large.length);
            H2Client.Stream big =
                    client.post("/internal/events", large, "Authorization", "Bearer " + TestEdge.INGEST_TOKEN);
            assertEquals(200, big.status(), big.text());
            big.awaitEnd(WAIT);
            assertEquals(1000, big.text().split(",").length, "1,000 ids");

            H2Client.Stream unauthorized = client.post("/internal/events", body);
            assertEquals(401, unauthorized.status());
            unauthorized.awaitEnd(WAIT);
            assertEquals("application/json; charset=utf-8", unauthorized.header("content-type"));
            assertTrue(unauthorized.text().contains("\"error\""), unauthorized.text());

            H2Client.Stream dashboard = client.get("/dashboard/");
            assertEquals(200, dashboard.status());
            dashboard.awaitEnd(WAIT);
            assertTrue(dashboard.text().contains("<html") || dashboard.text().contains("<!doctype"), dashboard.text());
            assertEquals(
                    dashboard.header("content-length"),
                    Integer.toString(dashboard.text().getBytes(StandardCharsets.UTF_8).length));

            H2Client.Stream notFound = client.get("/nowhere");
            assertEquals(404, notFound.status());
            notFound.awaitEnd(WAIT);
            assertTrue(notFound.text().contains("\"not_found\""), notFound.text());

            H2Client.Stream badKey = client.get("/v1/unknown-key-0123456789/events/a1");
            assertEquals(401, badKey.status());
            badKey.awaitEnd(WAIT);
            assertTrue(badKey.text().contains("\"unknown_project_key\""), badKey.text());

            H2Client.Stream badCursor = client.get(TestEdge.assetPath("a1"), "Last-Event-ID", "nope");
            assertEquals(400, badCursor.status());
            badCursor.awaitEnd(WAIT);

            H2Client.Stream head = client.request("HEAD", TestEdge.assetPath("a1"));
            assertEquals(200, head.status());
            head.awaitEnd(WAIT);
            assertEquals("", head.text());

            // The ingested event reached the log: a stream replays it.
            H2Client.Stream replay = client.get(TestEdge.assetPath("h2-ingested"));
            replay.awaitEvents(1, WAIT);
            assertTrue(client.isOpen(), "errors end their streams, never the connection");
        }
    }

    @Test
    void aStreamWhoseReaderStoppedIsCutAloneAndTheOthersGoOn() throws Exception {
        edge = TestEdge.start(config -> config.slowConsumerTimeout(Duration.ofMillis(500))
                .writeBufferHigh(16 * 1024)
                .retentionCount(100_000));
        // A small window for every stream: the stalled one holds at most this much of the connection's.
        try (H2Client client =
                H2Client.connect(edge.port(), Http2Settings.defaultSettings().initialWindowSize(4096))) {
            H2Client.Stream stalled = client.getNotReading(TestEdge.assetPath("h2-stalled"));
            H2Client.Stream reading = client.get(TestEdge.assetPath("h2-reading"));
            assertEquals(200, stalled.status());
            assertEquals(200, reading.status());
            edge.awaitOpenStreams(2);
            int published = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!stalled.ended() && System.nanoTime() < deadline) {
                for (int i = 0; i < 50; i++) {
                    edge.append(
                            Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "h2-stalled"),
                            Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "h2-reading"));
                    published++;
                }
                int expected = published;
                // The reading stream keeps up while the other is stalled.
                reading.awaitEvents(expected, WAIT);
            }
            assertTrue(stalled.ended(), "the stalled stream was cut");
            assertEquals(Http2Error.CANCEL.code(), stalled.resetCode(), "a stalled stream is reset");
            assertFalse(reading.ended());
            assertTrue(client.isOpen(), "the connection stays");
            edge.append(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "h2-reading"));
            reading.awaitEvents(published + 1, WAIT);
            Poll.until(
                    () -> edge.counter(
                                    "motioness_streams_closed_total{reason=\"slow_consumer\",route=\"public_asset\"}")
                            == 1.0,
                    WAIT,
                    "one slow-consumer cut");
        }
    }

    @Test
    void aStalledStreamIsCutAtTheCeilingOfWaitingBytesBeforeItsTimeout() throws Exception {
        // A timeout the test never reaches: only the ceiling (4 x --write-buffer-high) can cut it.
        edge = TestEdge.start(config -> config.slowConsumerTimeout(Duration.ofMinutes(5))
                .writeBufferHigh(16 * 1024)
                .retentionCount(100_000));
        try (H2Client client =
                H2Client.connect(edge.port(), Http2Settings.defaultSettings().initialWindowSize(4096))) {
            H2Client.Stream stalled = client.getNotReading(TestEdge.assetPath("h2-ceiling"));
            assertEquals(200, stalled.status());
            edge.awaitOpenStreams(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int published = 0;
            while (!stalled.ended() && System.nanoTime() < deadline) {
                edge.append(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "h2-ceiling"));
                published++;
            }
            // Within seconds, where the timeout and the cap are minutes away: the ceiling cut it.
            assertTrue(stalled.ended(), "cut at the ceiling, after " + published + " events");
            assertEquals(Http2Error.CANCEL.code(), stalled.resetCode());
        }
    }

    @Test
    void aDrainSendsGoAwayAndEndsTheStreams() throws Exception {
        edge = TestEdge.start();
        try (H2Client client = H2Client.connect(edge.port())) {
            H2Client.Stream one = client.get(TestEdge.assetPath("h2-drained-1"));
            H2Client.Stream two = client.get(TestEdge.assetPath("h2-drained-2"));
            assertEquals(200, one.status());
            assertEquals(200, two.status());
            edge.awaitOpenStreams(2);
            edge.server().drain(Duration.ZERO);
            Poll.until(() -> client.goAway() != null, WAIT, "GOAWAY");
            assertEquals(Http2Error.NO_ERROR.code(), client.goAway().errorCode());
            assertEquals(two.id(), client.goAway().lastStreamId());
            one.awaitEnd(WAIT);
            two.awaitEnd(WAIT);
            assertTrue(one.endedCleanly());
            assertTrue(two.endedCleanly());
            // After GOAWAY no new stream opens on this connection.
            H2Client.Stream refused = client.get(TestEdge.assetPath("h2-drained-3"));
            refused.awaitEnd(WAIT);
            assertNotNull(refused.failure() != null ? refused.failure() : refused.resetCode() >= 0 ? "reset" : null);
            Poll.until(() -> !client.isOpen(), WAIT, "the connection closes after its last stream");
        }
    }
}
