package com.motioness.edge.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.motioness.protocol.EventType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Chunk framing of shared frames: sizes exact, bytes golden, views for HTTP/1.0 exact. */
class ChunkFramingTest {
    @Test
    void chunkHeaderIsHexLengthAndCrlf() {
        assertEquals(3, ChunkFraming.chunkHeaderLength(0));
        assertEquals(3, ChunkFraming.chunkHeaderLength(15));
        assertEquals(4, ChunkFraming.chunkHeaderLength(16));
        assertEquals(6, ChunkFraming.chunkHeaderLength(0xfff0));
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer();
        ChunkFraming.writeChunkHeader(out, 0x1a2b);
        assertEquals("1a2b\r\n", out.toString(StandardCharsets.US_ASCII));
        out.release();
    }

    @Test
    void anEventFrameIsOneChunkSizedExactly() {
        byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        ByteBuf chunk = ChunkFraming.event(PooledByteBufAllocator.DEFAULT, EventType.READY, 1700, 2, json, true);
        String payload = "event: ready\nid: 1700-2\ndata: {\"a\":1}\n\n";
        assertEquals(
                Integer.toHexString(payload.length()) + "\r\n" + payload + "\r\n",
                chunk.toString(StandardCharsets.US_ASCII));
        assertEquals(chunk.capacity(), chunk.readableBytes(), "allocated exactly what it writes");
        chunk.release();
    }

    @Test
    void aSharedFrameGivesEachChannelTheChunkOrTheBarePayload() {
        byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
        SharedFrame frame = SharedFrame.event(PooledByteBufAllocator.DEFAULT, 5, 0, EventType.QUEUED, "p", "a", json);
        ByteBuf chunked = frame.retainedFor(true);
        ByteBuf bare = frame.retainedFor(false);
        String payload = "event: queued\nid: 5\ndata: {}\n\n";
        assertEquals("1e\r\n" + payload + "\r\n", chunked.toString(StandardCharsets.US_ASCII));
        assertEquals(payload, bare.toString(StandardCharsets.US_ASCII));
        chunked.release();
        bare.release();
        frame.release();
    }

    @Test
    void pingIsAChunkedComment() {
        SharedFrame ping = SharedFrame.ping(PooledByteBufAllocator.DEFAULT);
        ByteBuf chunked = ping.retainedFor(true);
        ByteBuf bare = ping.retainedFor(false);
        assertEquals("8\r\n: ping\n\n\r\n", chunked.toString(StandardCharsets.US_ASCII));
        assertEquals(": ping\n\n", bare.toString(StandardCharsets.US_ASCII));
        chunked.release();
        bare.release();
        ping.release();
    }

    @Test
    void theLastChunkEndsTheBody() {
        assertEquals("0\r\n\r\n", ChunkFraming.LAST_CHUNK.toString(StandardCharsets.US_ASCII));
    }
}
