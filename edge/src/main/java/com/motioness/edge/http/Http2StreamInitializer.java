package com.motioness.edge.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/**
 * The pipeline of one HTTP/2 stream's channel (a child of its connection, on the connection's loop):
 * Netty's codec between the stream's frames and HTTP/1 messages, {@link Http2StreamFraming}, then the
 * same {@link Http1Connection} and {@link RequestRouter} an HTTP/1 connection has. A stream's
 * channel is a {@code Channel} like a connection, so the fan-out subscribes it unchanged; its
 * writability follows the stream's flow-control window, so a slow stream stops only itself.
 */
@ChannelHandler.Sharable
final class Http2StreamInitializer extends ChannelInitializer<Http2StreamChannel> {
    private final EdgeServices services;

    Http2StreamInitializer(EdgeServices services) {
        this.services = services;
    }

    @Override
    protected void initChannel(Http2StreamChannel stream) {
        // The connection's write-buffer bounds (--write-buffer-high), rather than Netty's defaults,
        // decide when a stream counts as unwritable, and so when a stalled reader is cut.
        stream.config().setWriteBufferWaterMark(stream.parent().config().getWriteBufferWaterMark());
        // The connection's receive-size policy, shared by every connection, with its 40 B handle:
        // Netty gives each stream's channel a policy of its own and a 112 B handle (32 + 72 B an
        // idle stream would keep for its whole life).
        stream.config().setRecvByteBufAllocator(stream.parent().config().getRecvByteBufAllocator());
        Http1Connection connection = new Http1Connection(services.requestTimeouts);
        stream.pipeline()
                .addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true, true))
                .addLast("h2-stream", new Http2StreamFraming())
                .addLast("http1", connection)
                .addLast("router", new RequestRouter(services, connection));
    }
}
