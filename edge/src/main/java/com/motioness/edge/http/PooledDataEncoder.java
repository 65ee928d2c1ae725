package com.motioness.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DecoratingHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2LifecycleManager;
import io.netty.handler.codec.http2.Http2Stream;
import java.util.ArrayDeque;

/**
 * An HTTP/2 connection's encoder that hands the remote flow controller each plain DATA frame (one
 * readable buffer, no END_STREAM, no padding: what an SSE stream writes per event) as a
 * {@link PooledDataFrame} taken from a free list, where Netty's own encoder allocates about 420 B per
 * frame. The flow controller still queues, splits and accounts every byte against the stream and
 * connection windows. Every other frame, and DATA for a stream that cannot take it (Netty fails
 * those with its own message), goes to Netty's encoder unchanged.
 *
 * <p>One per connection, used only on its event loop (as the flow controller is): the free list
 * takes no lock.
 */
final class PooledDataEncoder extends DecoratingHttp2ConnectionEncoder {
    /**
     * Idle frames kept per connection: enough for a flush that writes to many of its streams at
     * once; a stalled stream's backlog beyond it is left to the garbage collector once written.
     */
    private static final int MAX_IDLE = 128;

    private final ArrayDeque<PooledDataFrame> idle = new ArrayDeque<>();
    private Http2LifecycleManager lifecycle;

    PooledDataEncoder(Http2ConnectionEncoder delegate) {
        super(delegate);
    }

    @Override
    public void lifecycleManager(Http2LifecycleManager lifecycleManager) {
        lifecycle = lifecycleManager;
        super.lifecycleManager(lifecycleManager);
    }

    @Override
    public ChannelFuture writeData(
            ChannelHandlerContext ctx,
            int streamId,
            ByteBuf data,
            int padding,
            boolean endOfStream,
            ChannelPromise promise) {
        Http2Stream stream;
        if (endOfStream
                || padding != 0
                || !data.isReadable()
                || (stream = connection().stream(streamId)) == null
                || !takesData(stream.state())) {
            return super.writeData(ctx, streamId, data, padding, endOfStream, promise);
        }
        PooledDataFrame frame = idle.poll();
        if (frame == null) {
            frame = new PooledDataFrame(this);
        }
        frame.init(streamId, data, promise);
        flowController().addFlowControlled(stream, frame);
        return promise;
    }

    /** The states in which Netty's encoder sends DATA. */
    private static boolean takesData(Http2Stream.State state) {
        return state == Http2Stream.State.OPEN || state == Http2Stream.State.HALF_CLOSED_REMOTE;
    }

    /** The peer's largest frame payload (SETTINGS_MAX_FRAME_SIZE), as Netty's frame writer splits by it. */
    int maxFrameSize() {
        return configuration().frameSizePolicy().maxFrameSize();
    }

    void connectionError(ChannelHandlerContext ctx, Throwable cause) {
        lifecycle.onError(ctx, true, cause);
    }

    void recycle(PooledDataFrame frame) {
        frame.clear();
        if (idle.size() < MAX_IDLE) {
            idle.push(frame);
        }
    }
}
