package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.auth.DevSessionAuthenticator;
import com.motioness.edge.auth.ProjectKeys;
import com.motioness.edge.fanout.LoopFanout;
import com.motioness.edge.fanout.StreamSettings;
import com.motioness.edge.log.embedded.EmbeddedEventLog;
import com.motioness.edge.ring.EventRing;
import com.motioness.edge.support.Events;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes of every response shape, through the real pipeline on an EmbeddedChannel, under
 * paranoid leak detection. Ids are deterministic: the log's clock is frozen, so every event
 * shares one millisecond and the sequence counts up.
 */
class PipelineGoldenTest {
    private static final long MS = 1_764_300_000_000L;
    private static final String HEAD = "HTTP/1.1 200 OK\r\n"
            + "Content-Type: text/event-stream; charset=utf-8\r\n"
            + "Cache-Control: no-cache, no-transform\r\n"
            + "X-Accel-Buffering: no\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + "Access-Control-Allow-Origin: *\r\n"
            + "Access-Control-Expose-Headers: X-Motioness-Replay-Truncated, X-Motioness-Cursor-Ahead\r\n";

    private EventRing ring;
    private EmbeddedEventLog log;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        ring = new EventRing(1024, (slot, sequence, endOfBatch) -> slot.clear());
        log = new EmbeddedEventLog(ring, 3, Duration.ofHours(1), Clock.fixed(Instant.ofEpochMilli(MS), ZoneOffset.UTC));
        channel = new EmbeddedChannel();
        StreamSettings settings = new StreamSettings(
                PooledByteBufAllocator.DEFAULT,
                Duration.ofSeconds(15),
                Duration.ofMinutes(5),
                Duration.ofSeconds(5),
                64 * 1024,
                Duration.ofMillis(2));
        LoopFanout fanout = new LoopFanout(channel.eventLoop(), settings);
        EdgeServices services = EdgeServices.builder()
                .auth(ProjectKeys.of(Map.of("key-0123456789", "p1")), new DevSessionAuthenticator(Map.of()))
                .log(log, List.of(fanout))
                .ingest("token-0123456789abcdef", 1024 * 1024)
                .retry(Duration.ofSeconds(3))
                .requestTimeout(Duration.ofSeconds(10))
                .recheck(Duration.ofMinutes(1), Duration.ofMinutes(1))
                .build();
        EdgeChannelInitializer.addRequestHandlers(channel.pipeline(), new HttpDecoderConfig(), services);
    }

    @AfterEach
    void tearDown() {
        log.close();
        ring.close();
    }

    private String exchange(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out.toString();
    }

    private static String chunk(String payload) {
        return Integer.toHexString(payload.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + payload + "\r\n";
    }

    private static String frame(AssetEvent event, String id) {
        return "event: " + event.type().wireName() + "\nid: " + id + "\ndata: "
                + new String(EventJson.encode(event), StandardCharsets.UTF_8) + "\n\n";
    }

    @Test
    void aStreamDropsItsRequestDecoderAndIgnoresWhatTheClientSendsAfter() throws Exception {
        log.append(List.of(Events.of(EventType.QUEUED, "p1", "a1"))).get();
        String response = exchange("GET /v1/key-0123456789/events/a1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(response.startsWith(HEAD), response);
        assertNull(channel.pipeline().get(HttpRequestDecoder.class), "a stream reads no more requests");
        assertEquals(
                "",
                exchange("GET /v1/key-0123456789/events/a1 HTTP/1.1\r\nHost: x\r\n\r\n"),
                "bytes after the stream's request are dropped, not parsed");
        assertTrue(channel.isActive());
    }

    @Test
    void replayThenTerminalEnd() throws Exception {
        AssetEvent queued = Events.of(EventType.QUEUED, "p1", "a1");
        AssetEvent ready = Events.of(EventType.READY, "p1", "a1");
        log.append(List.of(queued, ready)).get();
        String response = exchange("GET /v1/key-0123456789/events/a1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(
                HEAD + "\r\n"
                        + chunk("retry: 3000\n\n")
                        + chunk(frame(queued, Long.toString(MS)))
                        + chunk(frame(ready, MS + "-1"))
                        + "0\r\n\r\n",
                response);
        assertFalse(channel.isActive(), "the stream closes after its terminal event");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void truncatedReplaySaysSo() throws Exception {
        AssetEvent[] events = new AssetEvent[5];
        for (int i = 0; i < events.length; i++) {
            events[i] = Events.of(EventType.STAGE_STARTED, "p1", "a1");
        }
        log.append(List.of(events)).get();
        String response =
                exchange("GET /v1/key-0123456789/events/a1 HTTP/1.1\r\nHost: x\r\nLast-Event-ID: " + MS + "\r\n\r\n");
        assertEquals(
                HEAD + "X-Motioness-Replay-Truncated: true\r\n\r\n"
                        + chunk("retry: 3000\n\n: replay truncated: events up to " + MS
                                + "-1 are no longer retained\n\n")
                        + chunk(frame(events[2], MS + "-2"))
                        + chunk(frame(events[3], MS + "-3"))
                        + chunk(frame(events[4], MS + "-4")),
                response);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void http10GetsBareFramesAndACloseDelimitedBody() throws Exception {
        AssetEvent ready = Events.of(EventType.READY, "p1", "a1");
        log.append(List.of(ready)).get();
        String response = exchange("GET /v1/key-0123456789/events/a1 HTTP/1.0\r\n\r\n");
        assertEquals(
                HEAD.replace("Transfer-Encoding: chunked", "Connection: close") + "\r\n" + "retry: 3000\n\n"
                        + frame(ready, Long.toString(MS)),
                response);
        assertFalse(channel.isActive());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void noContentAfterTheTerminalCursor() throws Exception {
        log.append(List.of(Events.of(EventType.CANCELLED, "p1", "a1"))).get();
        String response =
                exchange("GET /v1/key-0123456789/events/a1 HTTP/1.1\r\nHost: x\r\nLast-Event-ID: " + MS + "\r\n\r\n");
        assertEquals(
                "HTTP/1.1 204 No Content\r\n"
                        + "Access-Control-Allow-Origin: *\r\n"
                        + "Access-Control-Expose-Headers: X-Motioness-Replay-Truncated, X-Motioness-Cursor-Ahead\r\n"
                        + "Connection: close\r\n\r\n",
                response);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anUnknownAssetGetsAStreamThatWaits() {
        String response = exchange("GET /v1/key-0123456789/events/missing HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(HEAD + "\r\n" + chunk("retry: 3000\n\n"), response);
        assertTrue(channel.isActive(), "it waits for the asset's first event");
    }

    @Test
    void aCursorAheadOfTheStreamResumesFromItsEnd() throws Exception {
        log.append(List.of(Events.of(EventType.QUEUED, "p1", "a1"), Events.of(EventType.STAGE_STARTED, "p1", "a1")))
                .get();
        String response = exchange(
                "GET /v1/key-0123456789/events/a1 HTTP/1.1\r\nHost: x\r\n" + "Last-Event-ID: 9999999999999\r\n\r\n");
        assertEquals(
                HEAD + "X-Motioness-Cursor-Ahead: true\r\n\r\n"
                        + chunk("retry: 3000\n\n: cursor 9999999999999 is ahead of this stream, which ends at " + MS
                                + "-1; resuming from there\n\nid: " + MS + "-1\n\n"),
                response);
        assertTrue(channel.isActive());
    }

    @Test
    void aCursorForAnUnknownAssetStartsItFromTheBeginning() {
        String response = exchange(
                "GET /v1/key-0123456789/events/missing HTTP/1.1\r\nHost: x\r\n" + "Last-Event-ID: " + MS + "\r\n\r\n");
        assertEquals(
                HEAD + "X-Motioness-Cursor-Ahead: true\r\n\r\n"
                        + chunk("retry: 3000\n\n: cursor " + MS
                                + " is ahead of this stream, which ends at 0; resuming from" + " there\n\nid: 0\n\n"),
                response);
        assertTrue(channel.isActive());
    }

    @Test
    void ingestAnswersIds() {
        String body = "[" + Events.json(EventType.QUEUED, "p1", "a1") + ","
                + Events.json(EventType.VISION_STARTED, "p1", "a1") + "]";
        String response =
                exchange("POST /internal/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer token-0123456789abcdef\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body);
        String answer = "{\"ids\":[\"" + MS + "\",\"" + MS + "-1\"]}\n";
        assertEquals(
                "HTTP/1.1 200 OK\r\n"
                        + "Content-Type: application/json; charset=utf-8\r\n"
                        + "Cache-Control: no-store\r\n"
                        + "Content-Length: " + answer.length() + "\r\n\r\n" + answer,
                response);
        assertFalse(channel.finishAndReleaseAll());
    }
}
