package com.motioness.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameStream;

/**
 * The DATA frame (no END_STREAM, no padding) that {@link Http2StreamFraming} writes for each buffer
 * of its stream: one object per stream channel, carrying one buffer through one write, so that a
 * delivery does not allocate a frame. That holds because the frame is done with when the write
 * returns: on the stream channel's event loop, Netty's stream channel hands it to the connection's
 * frame codec at once, and the codec takes its buffer and no longer refers to the frame (no
 * handler between them keeps a message).
 *
 * <p>Like {@link DefaultHttp2DataFrame}, it owns its buffer: releasing the frame releases it. Its
 * copies are {@link DefaultHttp2DataFrame}s.
 */
final class ReusedDataFrame implements Http2DataFrame {
    private ByteBuf content;
    private int initialFlowControlledBytes;
    private Http2FrameStream stream;

    /** Carries {@code bytes} through one write; {@link #clear} once the write returns. */
    ReusedDataFrame carry(ByteBuf bytes) {
        content = bytes;
        initialFlowControlledBytes = bytes.readableBytes();
        return this;
    }

    /** True while a write carries it: a write made meanwhile needs a frame of its own. */
    boolean carrying() {
        return content != null;
    }

    void clear() {
        content = null;
    }

    @Override
    public ByteBuf content() {
        return content;
    }

    @Override
    public int padding() {
        return 0;
    }

    @Override
    public int initialFlowControlledBytes() {
        return initialFlowControlledBytes;
    }

    @Override
    public boolean isEndStream() {
        return false;
    }

    @Override
    public Http2FrameStream stream() {
        return stream;
    }

    @Override
    public ReusedDataFrame stream(Http2FrameStream stream) {
        this.stream = stream;
        return this;
    }

    @Override
    public String name() {
        return "DATA";
    }

    @Override
    public Http2DataFrame copy() {
        return replace(content.copy());
    }

    @Override
    public Http2DataFrame duplicate() {
        return replace(content.duplicate());
    }

    @Override
    public Http2DataFrame retainedDuplicate() {
        return replace(content.retainedDuplicate());
    }

    @Override
    public Http2DataFrame replace(ByteBuf content) {
        return new DefaultHttp2DataFrame(content, false).stream(stream);
    }

    @Override
    public int refCnt() {
        return content.refCnt();
    }

    @Override
    public Http2DataFrame retain() {
        content.retain();
        return this;
    }

    @Override
    public Http2DataFrame retain(int increment) {
        content.retain(increment);
        return this;
    }

    @Override
    public Http2DataFrame touch() {
        content.touch();
        return this;
    }

    @Override
    public Http2DataFrame touch(Object hint) {
        content.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return content.release();
    }

    @Override
    public boolean release(int decrement) {
        return content.release(decrement);
    }

    @Override
    public String toString() {
        return "ReusedDataFrame(stream=" + stream + ", content=" + content + ")";
    }
}
