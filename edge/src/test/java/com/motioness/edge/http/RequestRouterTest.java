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
import com.motioness.protocol.EventType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router's dispatch, through the real pipeline on an EmbeddedChannel: a stream request leaves
 * its connection to a lone {@link StreamHandler}; only an ingest request brings Netty's aggregator
 * into the pipeline, and it answers 100 Continue only once the head passed our checks; the other
 * routes never meet it.
 */
class RequestRouterTest {
    private static final String TOKEN = "token-0123456789abcdef";
    private static final List<String> REQUEST_HANDLERS = List.of("http-decoder", "http1", "router");

    private EventRing ring;
    private EmbeddedEventLog log;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        ring = new EventRing(1024, (slot, sequence, endOfBatch) -> slot.clear());
        log = new EmbeddedEventLog(ring, 100, Duration.ofHours(1), Clock.systemUTC());
        channel = new EmbeddedChannel();
        StreamSettings settings = new StreamSettings(
                PooledByteBufAllocator.DEFAULT,
                Duration.ofSeconds(15),
                Duration.ofMinutes(5),
                Duration.ofSeconds(5),
                64 * 1024,
                Duration.ofMillis(2));
        EdgeServices services = EdgeServices.builder()
                .auth(ProjectKeys.of(Map.of("key-0123456789", "p1")), new DevSessionAuthenticator(Map.of()))
                .log(log, List.of(new LoopFanout(channel.eventLoop(), settings)))
                .ingest(TOKEN, 1000)
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

    private List<String> handlers() {
        return channel.pipeline().names().stream()
                .filter(name -> !name.contains("TailContext"))
                .toList();
    }

    @Test
    void aStreamRequestLeavesTheConnectionToItsStreamHandler() throws Exception {
        log.append(List.of(Events.of(EventType.QUEUED, "p1", "a1"))).get();
        String response = exchange("GET /v1/key-0123456789/events/a1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream"), response);
        assertEquals(List.of("stream"), handlers());
        assertTrue(channel.pipeline().get("stream") instanceof StreamHandler);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aKeyKnownAtOnceOpensTheStreamInTheReadThatBroughtTheRequest() throws Exception {
        log.append(List.of(Events.of(EventType.QUEUED, "p1", "a1"))).get();
        // Fired, not written: writeInbound would run the loop's pending tasks after the read.
        channel.pipeline()
                .fireChannelRead(Unpooled.copiedBuffer(
                        "GET /v1/key-0123456789/events/a1 HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        // No task ran: the key's lookup was complete, so the stream opened within the read.
        assertEquals(List.of("stream"), handlers());
        channel.runPendingTasks();
        ByteBuf head = channel.readOutbound();
        assertTrue(head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200 OK\r\n"));
        head.release();
        channel.close();
        channel.finishAndReleaseAll();
    }

    @Test
    void anOpenStreamKeepsNoneOfTheRequestHandlers() throws Exception {
        WeakReference<Object> decoder = new WeakReference<>(channel.pipeline().get("http-decoder"));
        WeakReference<Object> connection =
                new WeakReference<>(channel.pipeline().get("http1"));
        WeakReference<Object> router = new WeakReference<>(channel.pipeline().get("router"));
        exchange("GET /v1/key-0123456789/events/a1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(List.of("stream"), handlers());
        for (int i = 0; i < 50 && (decoder.get() != null || connection.get() != null || router.get() != null); i++) {
            System.gc();
        }
        assertNull(decoder.get(), "the decoder's buffers are not held for the stream's life");
        assertNull(connection.get());
        assertNull(router.get());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void onlyIngestBringsTheAggregatorAndItAnswersWhatWasIngested() {
        assertTrue(exchange("GET /dashboard HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 301 "));
        assertTrue(exchange("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 404 "));
        assertEquals(REQUEST_HANDLERS, handlers(), "no route but ingest adds a handler");

        String body = Events.json(EventType.QUEUED, "p1", "a1");
        String response = exchange("POST /internal/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n") && response.contains("{\"ids\":[\""), response);
        assertEquals(List.of("http-decoder", "http1", "router", "ingest-body", "ingest"), handlers());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aContinueIsSentOnlyToAnIngestHeadThatPassedItsChecks() {
        String redirect = exchange("GET /dashboard HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n");
        assertTrue(redirect.startsWith("HTTP/1.1 301 ") && !redirect.contains("100 Continue"), redirect);
        assertEquals(
                "HTTP/1.1 100 Continue\r\n\r\n",
                exchange("POST /internal/events HTTP/1.1\r\nHost: x\r\n" + "Authorization: Bearer " + TOKEN
                        + "\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n"));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anIngestHeadRefusedGetsNoContinue() {
        String response = exchange("POST /internal/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n"
                + "Expect: 100-continue\r\nContent-Length: 10\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 401 Unauthorized\r\n"), response);
        assertFalse(channel.isActive(), "refused before its body: the connection ends");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aDeclaredBodyTooLargeGetsOurJson413AndNoContinue() {
        String response = exchange("POST /internal/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                + "\r\nExpect: 100-continue\r\nContent-Length: 1001\r\n\r\n");
        assertEquals(
                "HTTP/1.1 413 Request Entity Too Large\r\n"
                        + "Content-Type: application/json; charset=utf-8\r\n"
                        + "Cache-Control: no-store\r\n"
                        + "Content-Length: 82\r\n"
                        + "Connection: close\r\n\r\n"
                        + "{\"error\":\"body_too_large\",\"message\":\"the request body is larger than 1000 bytes\"}\n",
                response);
        assertFalse(channel.isActive());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aBodyGrowingPastTheBoundGetsOurJson413() {
        String response = exchange("POST /internal/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                + "\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + "x".repeat(1000) + "\r\n1\r\nx\r\n0\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 413 Request Entity Too Large\r\n"), response);
        assertTrue(response.endsWith("Connection: close\r\n\r\n"
                + "{\"error\":\"body_too_large\",\"message\":\"the request body is larger than 1000 bytes\"}\n"));
        assertFalse(channel.isActive());
        assertFalse(channel.finishAndReleaseAll());
    }
}
