package com.motioness.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * The edge's HTTP/1-shaped handlers on an HTTP/2 stream's channel, between Netty's
 * {@code Http2StreamFrameToHttpObjectCodec} and {@link Http1Connection}.
 *
 * <p>Outbound, the bytes the handlers write (an answer's body, a stream's SSE frames: the bare SSE
 * slice of the one shared buffer) each become a DATA frame, the stream's one {@link ReusedDataFrame};
 * HEADERS frames come from
 * {@link ResponseHead}. Closing the channel ends the stream: with an empty DATA frame carrying
 * END_STREAM when the answer did not end it already, so the client reads a complete body (Netty's
 * own close would reset it); with RST_STREAM (CANCEL, Netty's close) when the stream cannot take
 * that frame: no HEADERS were written, or its flow-control window is spent and its channel
 * unwritable, so the reader stalled and what waits for it is dropped at once, as HTTP/1 resets a
 * stalled socket.
 *
 * <p>Inbound, one HTTP/2 stream carries one request: it is marked {@code Connection: close}, so
 * every answer "closes the connection", which here ends the stream and never the connection; and
 * a GET, HEAD or OPTIONS whose HEADERS frame did not end the stream is not taken for a request with
 * a body (the codec marks any such request chunked; what arrives after it is dropped).
 */
final class Http2StreamFraming extends ChannelDuplexHandler {
    private final ReusedDataFrame reusedFrame = new ReusedDataFrame();
    private boolean headersWritten;
    private boolean ended;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            HttpHeaders headers = request.headers();
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            if (!(request instanceof FullHttpRequest) && takesNoBody(request.method())) {
                headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean takesNoBody(HttpMethod method) {
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            if (!bytes.isReadable()) {
                // A flush marker (Http1Connection's before it ends the connection): no frame.
                bytes.release();
                promise.setSuccess();
                return;
            }
            if (reusedFrame.carrying()) {
                // Written from within the write that carries it (a listener of a failed write).
                ctx.write(new DefaultHttp2DataFrame(bytes, false), promise);
                return;
            }
            try {
                ctx.write(reusedFrame.carry(bytes), promise);
            } finally {
                reusedFrame.clear();
            }
            return;
        }
        if (msg instanceof Http2HeadersFrame head) {
            headersWritten = true;
            ended |= head.isEndStream();
        } else if (msg instanceof Http2DataFrame data) {
            ended |= data.isEndStream();
        }
        ctx.write(msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!ended
                && headersWritten
                && ctx.channel().isWritable()
                // Not after the stream was reset (by the client, or by a close that came first).
                && ((Http2StreamChannel) ctx.channel()).stream().state().localSideOpen()) {
            ended = true;
            ctx.write(new DefaultHttp2DataFrame(true), ctx.voidPromise());
            ctx.flush();
        }
        // A stream not ended here is reset (CANCEL) by Netty's close.
        ctx.close(promise);
    }
}
