package com.motioness.edge.fanout;

import com.motioness.protocol.EventType;
import com.motioness.protocol.sse.SseEncoding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Writes SSE frames as HTTP/1.1 chunks, the body framing of every stream. The chunk header and
 * trailer are written into the same buffer as the frame, once, so a frame shared by ten thousand
 * subscribers costs no per-subscriber chunk buffer (Netty's HttpObjectEncoder would allocate one
 * per write per connection). An HTTP/1.0 subscriber, which cannot read chunks, writes the frame's
 * payload slice instead.
 */
public final class ChunkFraming {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    /** The zero-length chunk that ends a chunked body. */
    public static final ByteBuf LAST_CHUNK = Unpooled.unreleasableBuffer(Unpooled.directBuffer(5, 5)
            .writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
            .asReadOnly());

    private ChunkFraming() {}

    /** Bytes of the chunk header for a payload of {@code length} bytes: hex digits and CRLF. */
    public static int chunkHeaderLength(int length) {
        int digits = 1;
        for (int rest = length >>> 4; rest != 0; rest >>>= 4) {
            digits++;
        }
        return digits + 2;
    }

    /** Total bytes of a chunk carrying {@code length} payload bytes. */
    public static int chunkLength(int length) {
        return chunkHeaderLength(length) + length + 2;
    }

    /** Writes the chunk header for a payload of {@code length} bytes. */
    public static void writeChunkHeader(ByteBuf out, int length) {
        int digits = chunkHeaderLength(length) - 2;
        int at = out.writerIndex();
        out.ensureWritable(digits + 2);
        for (int i = digits - 1, rest = length; i >= 0; i--, rest >>>= 4) {
            out.setByte(at + i, HEX[rest & 0xf]);
        }
        out.writerIndex(at + digits);
        out.writeByte(CR).writeByte(LF);
    }

    /** Writes the CRLF that closes a chunk. */
    public static void writeChunkTrailer(ByteBuf out) {
        out.writeByte(CR).writeByte(LF);
    }

    /**
     * Encodes one event frame, sized exactly, as a chunk ({@code chunked}) or as bare SSE bytes.
     * The caller owns the returned buffer.
     */
    public static ByteBuf event(
            ByteBufAllocator alloc, EventType type, long ms, long seq, byte[] json, boolean chunked) {
        return event(alloc, type, ms, seq, json, chunked, SseEncoding.eventFrameLength(type, ms, seq, json));
    }

    /**
     * The same, for a caller that has sized the frame already ({@link SseEncoding#eventFrameLength},
     * which scans the JSON for line breaks): sized once, written once.
     */
    static ByteBuf event(
            ByteBufAllocator alloc, EventType type, long ms, long seq, byte[] json, boolean chunked, int length) {
        int total = chunked ? chunkLength(length) : length;
        ByteBuf out = alloc.directBuffer(total, total);
        if (chunked) {
            writeChunkHeader(out, length);
        }
        SseEncoding.writeEventFrame(out, type, ms, seq, json);
        if (chunked) {
            writeChunkTrailer(out);
        }
        return out;
    }

    /** Encodes the {@code : ping} heartbeat comment as a chunk. */
    public static ByteBuf ping(ByteBufAllocator alloc) {
        int total = chunkLength(SseEncoding.PING_LENGTH);
        ByteBuf out = alloc.directBuffer(total, total);
        writeChunkHeader(out, SseEncoding.PING_LENGTH);
        SseEncoding.writePing(out);
        writeChunkTrailer(out);
        return out;
    }
}
