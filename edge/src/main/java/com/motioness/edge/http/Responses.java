package com.motioness.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.function.Consumer;

/** Writes complete, non-streaming answers: JSON bodies and empty ones. */
final class Responses {
    private Responses() {}

    /** Writes a JSON answer; closes the connection after it unless {@code keepAlive}. */
    static void json(
            Channel channel,
            HttpResponseStatus status,
            byte[] body,
            CorsPolicy cors,
            String origin,
            boolean keepAlive,
            Consumer<ResponseHead> extraHeaders) {
        json(channel, status, body, cors, origin, keepAlive, extraHeaders, false);
    }

    /**
     * Writes a JSON answer, or, to a HEAD ({@code headOnly}), the same head with its Content-Length
     * and no body; closes the connection after it unless {@code keepAlive}.
     */
    static void json(
            Channel channel,
            HttpResponseStatus status,
            byte[] body,
            CorsPolicy cors,
            String origin,
            boolean keepAlive,
            Consumer<ResponseHead> extraHeaders,
            boolean headOnly) {
        ResponseHead head = ResponseHead.status(channel, status)
                .header(HttpNames.CONTENT_TYPE, HttpNames.JSON)
                .header(HttpNames.CACHE_CONTROL, HttpNames.NO_STORE)
                .header(HttpNames.CONTENT_LENGTH, body.length);
        cors.writeHeaders(head, origin);
        if (extraHeaders != null) {
            extraHeaders.accept(head);
        }
        if (!keepAlive) {
            head.header(HttpNames.CONNECTION, "close");
        }
        ByteBuf out = head.end();
        if (!headOnly) {
            out.writeBytes(body);
        }
        finish(channel, out, keepAlive);
    }

    static void error(
            Channel channel,
            ApiError error,
            CorsPolicy cors,
            String origin,
            boolean keepAlive,
            Consumer<ResponseHead> extraHeaders) {
        error(channel, error, cors, origin, keepAlive, extraHeaders, false);
    }

    /** Writes an error answer; {@code headOnly}: to a HEAD, without its body. */
    static void error(
            Channel channel,
            ApiError error,
            CorsPolicy cors,
            String origin,
            boolean keepAlive,
            Consumer<ResponseHead> extraHeaders,
            boolean headOnly) {
        json(channel, error.status, error.body(), cors, origin, keepAlive, extraHeaders, headOnly);
    }

    /** Writes a body-less answer (204) with the given headers. */
    static void empty(Channel channel, HttpResponseStatus status, boolean keepAlive, Consumer<ResponseHead> headers) {
        ResponseHead head = ResponseHead.status(channel, status);
        headers.accept(head);
        if (!keepAlive) {
            head.header(HttpNames.CONNECTION, "close");
        }
        finish(channel, head.end(), keepAlive);
    }

    /**
     * Writes a complete answer; closes the connection after it unless {@code keepAlive}. On an
     * HTTP/2 stream {@code out} is the body, after the HEADERS frame {@link ResponseHead#end()}
     * wrote: it ends the stream (END_STREAM), and closing ends the stream's channel, not the
     * connection.
     */
    static void finish(Channel channel, ByteBuf out, boolean keepAlive) {
        if (channel instanceof Http2StreamChannel) {
            ChannelFuture written = channel.writeAndFlush(new DefaultHttp2DataFrame(out, true));
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        if (keepAlive) {
            channel.writeAndFlush(out, channel.voidPromise());
        } else {
            channel.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
