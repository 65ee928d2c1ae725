package com.motioness.edge.fanout;

import com.motioness.protocol.EventType;
import com.motioness.protocol.sse.SseEncoding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One encoded frame shared by every subscriber on a node: the chunk-framed bytes, encoded once,
 * and the routing fields. Reference counted through its buffer: the dispatcher holds one
 * reference, each event loop it is handed to holds one, and each write takes a retained duplicate
 * (a recycled object with the pooled allocator, so a delivery allocates nothing).
 */
final class SharedFrame {
    private final ByteBuf chunk;
    private final int payloadOffset;
    private final int payloadLength;
    private final int chunkLength;
    final long ms;
    final long seq;
    final EventType type;
    final String projectId;
    final String assetId;

    private SharedFrame(
            ByteBuf chunk,
            int payloadOffset,
            int payloadLength,
            long ms,
            long seq,
            EventType type,
            String projectId,
            String assetId) {
        this.chunk = chunk;
        this.payloadOffset = payloadOffset;
        this.payloadLength = payloadLength;
        this.chunkLength = chunk.readableBytes();
        this.ms = ms;
        this.seq = seq;
        this.type = type;
        this.projectId = projectId;
        this.assetId = assetId;
    }

    /** Encodes an event frame, as a chunk, owned by the caller (reference count 1). */
    static SharedFrame event(
            ByteBufAllocator alloc, long ms, long seq, EventType type, String projectId, String assetId, byte[] json) {
        // Sized once (it scans the JSON for line breaks), then written into an exactly sized buffer.
        int payloadLength = SseEncoding.eventFrameLength(type, ms, seq, json);
        ByteBuf chunk = ChunkFraming.event(alloc, type, ms, seq, json, true, payloadLength);
        return new SharedFrame(
                chunk, ChunkFraming.chunkHeaderLength(payloadLength), payloadLength, ms, seq, type, projectId, assetId);
    }

    /** Encodes the heartbeat comment, owned by the caller. */
    static SharedFrame ping(ByteBufAllocator alloc) {
        ByteBuf chunk = ChunkFraming.ping(alloc);
        int payloadLength = SseEncoding.PING_LENGTH;
        int payloadOffset = ChunkFraming.chunkHeaderLength(payloadLength);
        return new SharedFrame(chunk, payloadOffset, payloadLength, 0, 0, null, null, null);
    }

    /** A buffer for one channel's write: the whole chunk, or only the SSE bytes for HTTP/1.0. */
    ByteBuf retainedFor(boolean chunked) {
        return chunked ? chunk.retainedDuplicate() : chunk.retainedSlice(payloadOffset, payloadLength);
    }

    /** Bytes one channel's write of {@link #retainedFor} puts on the wire. */
    int length(boolean chunked) {
        return chunked ? chunkLength : payloadLength;
    }

    void retain() {
        chunk.retain();
    }

    void release() {
        chunk.release();
    }

    boolean isTerminal() {
        return type != null && type.isTerminal();
    }
}
