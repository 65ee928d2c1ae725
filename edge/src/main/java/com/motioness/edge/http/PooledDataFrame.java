package com.motioness.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2RemoteFlowController;

/**
 * One DATA frame's payload (a single buffer, no END_STREAM, no padding) waiting in Netty's remote
 * flow controller for its stream's window, as Netty's own {@code FlowControlledData} does, without
 * what that allocates per frame (a buffer queue, a promise per write, a promise aggregator, a
 * slice): the frame header goes into a pooled buffer, the payload is written as it is, and the
 * object returns to its {@link PooledDataEncoder} once written.
 *
 * <p>The caller's promise completes with the write of the payload's last byte. The header, and the
 * payload's earlier parts when the window splits it, are written with the connection's void promise:
 * they can only fail when the connection did (closed, TLS failed), and their failure then reaches
 * the connection's exception handlers, which close it, as Netty does when one of its DATA writes
 * fails; the payload's last write fails with the same cause and fails the caller's promise.
 *
 * <p>Confined to the connection's event loop, as the flow controller is.
 */
final class PooledDataFrame implements Http2RemoteFlowController.FlowControlled {
    private static final int FRAME_HEADER_LENGTH = 9;

    private final PooledDataEncoder encoder;
    private int streamId;
    /** The payload not yet written; null once written or released. */
    private ByteBuf data;
    /** The caller's promise, or null for a void one (the connection's own is used). */
    private ChannelPromise promise;
    /** Payload bytes not yet written: what the flow controller still counts against the stream. */
    private int size;

    PooledDataFrame(PooledDataEncoder encoder) {
        this.encoder = encoder;
    }

    void init(int streamId, ByteBuf data, ChannelPromise promise) {
        this.streamId = streamId;
        this.data = data;
        this.promise = promise.isVoid() ? null : promise;
        this.size = data.readableBytes();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void write(ChannelHandlerContext ctx, int allowedBytes) {
        if (data == null) {
            // Released by error() while still queued (the flow controller may call both when
            // queueing failed): nothing is left to write, and a size of 0 lets it go.
            size = 0;
            return;
        }
        int length = Math.min(size, allowedBytes);
        int maxFrameSize = encoder.maxFrameSize();
        while (length > 0) {
            int frameLength = Math.min(length, maxFrameSize);
            length -= frameLength;
            size -= frameLength;
            ctx.write(header(ctx, frameLength), ctx.voidPromise());
            if (size > 0) {
                ctx.write(data.readRetainedSlice(frameLength), ctx.voidPromise());
            } else {
                ByteBuf last = data;
                ChannelPromise done = promise;
                data = null;
                promise = null;
                ctx.write(last, done == null ? ctx.voidPromise() : done);
            }
        }
    }

    private ByteBuf header(ChannelHandlerContext ctx, int frameLength) {
        return ctx.alloc()
                .buffer(FRAME_HEADER_LENGTH)
                .writeMedium(frameLength)
                .writeByte(Http2FrameTypes.DATA)
                .writeByte(0) // no flags: neither END_STREAM nor PADDED
                .writeInt(streamId);
    }

    @Override
    public void writeComplete() {
        encoder.recycle(this);
    }

    /**
     * Releases the payload and fails the caller's promise, then tells the connection, as Netty's
     * {@code FlowControlledData} does (a stream closed before its data could be sent, or a failed
     * write). {@link #size} stays as it was: the flow controller reads it to return the bytes. The
     * object is not reused: the flow controller may still hold it.
     */
    @Override
    public void error(ChannelHandlerContext ctx, Throwable cause) {
        ByteBuf unwritten = data;
        ChannelPromise failed = promise;
        data = null;
        promise = null;
        if (unwritten != null) {
            unwritten.release();
        }
        if (failed != null) {
            failed.tryFailure(cause);
        }
        encoder.connectionError(ctx, cause);
    }

    /**
     * Not merged: each frame keeps its own buffer (merging two would take a composite buffer).
     * Frames queued behind a closed window are written one DATA frame each once it opens.
     */
    @Override
    public boolean merge(ChannelHandlerContext ctx, Http2RemoteFlowController.FlowControlled next) {
        return false;
    }

    /** Forgets the written frame before it is reused. */
    void clear() {
        streamId = 0;
        data = null;
        promise = null;
        size = 0;
    }
}
