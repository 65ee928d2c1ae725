package com.motioness.perf.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One SSE stream on its HTTP/2 stream channel: the HEADERS frame's {@code :status} opens it or
 * ends it, each DATA frame's bytes go to an {@link SseEventParser}, END_STREAM ends the body.
 * Netty's stream channel returns the bytes read to the flow-control windows by itself.
 */
final class H2SseHandler extends ChannelInboundHandlerAdapter {
    private final SseStream stream;
    private final SseEventParser events;
    private boolean headersSeen;

    H2SseHandler(SseStream stream) {
        this.stream = stream;
        this.events = new SseEventParser(stream);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean end;
        if (msg instanceof Http2HeadersFrame head) {
            end = head.isEndStream() || !head(head);
        } else if (msg instanceof Http2DataFrame data) {
            data.content().forEachByte(events);
            end = data.isEndStream();
            if (end) {
                // The server ended the stream (terminal event or cap).
                stream.onEndOfBody();
            }
        } else {
            end = false;
        }
        ReferenceCountUtil.release(msg);
        if (end) {
            ctx.close();
        }
    }

    /** True when the stream is open and its body follows. */
    private boolean head(Http2HeadersFrame head) {
        if (headersSeen) {
            return true; // trailers
        }
        headersSeen = true;
        CharSequence value = head.headers().status();
        int status = value == null ? 0 : Integer.parseInt(value.toString());
        if (status == 200) {
            stream.onOpen();
            return true;
        }
        stream.onStatus(status);
        return false;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stream.onClosed(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stream.onError();
        ctx.close();
    }
}
