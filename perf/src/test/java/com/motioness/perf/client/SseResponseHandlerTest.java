package com.motioness.perf.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The harness's response reader on golden bytes, fed in every split a socket may produce. */
class SseResponseHandlerTest {
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n"
            + chunk("retry: 3000\n\n")
            + chunk("event: stage_started\nid: 1764300000123\ndata: {\"request_id\":\"perf.0.1.1764300000123000\"}\n\n")
            + chunk(": ping\n\n")
            + chunk("id: 1764300000124-1\r\ndata: {\"request_id\":\"perf.0.2.1764300000124000\"}\r\n\r\n")
            + "0\r\n\r\n";

    private static String chunk(String body) {
        return Integer.toHexString(body.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + body + "\r\n";
    }

    private final StreamClient client = new StreamClient(new StreamClient.Settings(
            "127.0.0.1",
            1,
            List.of(InetAddress.getLoopbackAddress()),
            List.of(),
            1,
            0,
            false,
            10,
            10000,
            65000,
            null,
            0));

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void readsAChunkedStreamWhateverTheSplits() {
        byte[] bytes = CHUNKED.getBytes(StandardCharsets.UTF_8);
        List<Integer> splits = List.of(1, 2, 3, 7, 64, bytes.length);
        for (int split : splits) {
            SseStream stream = feed(bytes, split);
            assertEquals(2, stream.delivered(), "split " + split);
            assertEquals("1764300000124-1", stream.lastEventId(), "split " + split);
            assertEquals(1, stream.stats.comments, "split " + split);
        }
        assertEquals(splits.size(), client.opened());
    }

    @Test
    void readsAnUnframedStream() {
        byte[] bytes = ("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
                        + "id: 1:0\ndata: {\"request_id\":\"perf.0.1.1764300000123000\"}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        SseStream stream = feed(bytes, 5);
        assertEquals(1, stream.delivered());
        assertEquals("1:0", stream.lastEventId());
    }

    /** As EventSource: an event cut off before its blank line does not move the cursor. */
    @Test
    void movesTheCursorOnlyWhenTheEventIsDispatched() {
        byte[] bytes = ("HTTP/1.1 200 OK\r\n\r\n"
                        + "id: 1:0\ndata: {\"request_id\":\"perf.0.1.1764300000123000\"}\n\n"
                        + "id: 2:0\ndata: {\"request_id\":\"perf.0.2.1764300000124000\"}\n")
                .getBytes(StandardCharsets.UTF_8);
        SseStream stream = feed(bytes, 7);
        assertEquals(1, stream.delivered());
        assertEquals("1:0", stream.lastEventId(), "the second event never ended");
    }

    @Test
    void countsEventsOfAnotherAssetAsForeign() {
        byte[] bytes = ("HTTP/1.1 200 OK\r\n\r\n" + "data: {\"request_id\":\"perf.3.1.1764300000123000\"}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        SseStream stream = feed(bytes, 9);
        assertEquals(0, stream.delivered());
        assertEquals(1, stream.foreign);
    }

    @Test
    void takesA204AsTheEnd() {
        SseStream stream = feed("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.UTF_8), 4);
        assertEquals(1, stream.terminal);
        assertEquals(0, client.opened());
        assertEquals(1, client.failed(), "a stream whose first answer is not 200 never opened");
    }

    private SseStream feed(byte[] bytes, int split) {
        SseStream stream = new SseStream(client, 0, 0, 1, "/", null, new LoopStats());
        EmbeddedChannel channel = new EmbeddedChannel(new SseResponseHandler(stream));
        for (int i = 0; i < bytes.length && channel.isActive(); i += split) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(split, bytes.length - i)));
        }
        assertFalse(channel.finishAndReleaseAll());
        return stream;
    }
}
