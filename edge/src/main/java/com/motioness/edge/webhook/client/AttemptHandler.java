package com.motioness.edge.webhook.client;

import com.motioness.edge.webhook.WebhookRequest;
import com.motioness.protocol.webhook.WebhookSignature;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * The exchanges of one pooled connection, one at a time: writes an attempt's POST, reads the
 * response's status and counts its body (at most {@link #BODY_LIMIT} bytes are read: past that the
 * status decides and the connection is closed, never reused), then gives the connection back to its
 * pool when the response was complete and keep-alive, or closes it. While idle in the pool it closes
 * the connection after the idle time, and closes it on any byte the receiver sends unasked.
 */
final class AttemptHandler extends ChannelInboundHandlerAdapter {
    /** How much of a response body is read: the status is what counts, the body is only drained. */
    static final int BODY_LIMIT = 64 * 1024;

    private static final AsciiString USER_AGENT = AsciiString.cached("Motioness-Webhooks/1");
    private static final AsciiString ID = AsciiString.cached(WebhookSignature.ID_HEADER);
    private static final AsciiString TIMESTAMP = AsciiString.cached(WebhookSignature.TIMESTAMP_HEADER);
    private static final AsciiString SIGNATURE = AsciiString.cached(WebhookSignature.SIGNATURE_HEADER);

    private final OriginPool pool;
    private final String hostHeader;
    private ChannelHandlerContext ctx;
    private Attempt current;
    private int status;
    private boolean keepAlive;
    private boolean informational;
    private boolean written;
    private long bodyBytes;
    private ScheduledFuture<?> idleClose;

    AttemptHandler(OriginPool pool, String hostHeader) {
        this.pool = pool;
        this.hostHeader = hostHeader;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    Channel channel() {
        return ctx.channel();
    }

    boolean isActive() {
        return ctx.channel().isActive();
    }

    /** Sends {@code attempt}'s request on this connection; on the connection's loop. */
    void start(Attempt attempt) {
        cancelIdleClose();
        current = attempt;
        status = 0;
        keepAlive = false;
        informational = false;
        written = false;
        bodyBytes = 0;
        ctx.writeAndFlush(request(attempt.request, hostHeader)).addListener(write -> {
            if (write.isSuccess()) {
                written = true;
            } else if (current == attempt) {
                fail(write.cause());
            }
        });
    }

    /** Closes the connection after {@code idleNanos} in the pool unless it is taken again first. */
    void idle(long idleNanos) {
        idleClose = ctx.executor().schedule(() -> ctx.close(), idleNanos, TimeUnit.NANOSECONDS);
    }

    /** Ends the current attempt, if any, with {@code code}, and the connection. */
    void abort(String code, String message) {
        Attempt attempt = current;
        current = null;
        if (attempt != null) {
            attempt.finish(0, code, message);
        }
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            read(msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void read(Object msg) {
        Attempt attempt = current;
        if (attempt == null) {
            // Nothing was asked (or the attempt already ended): these bytes frame nothing we can trust.
            ctx.close();
            return;
        }
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            current = null;
            attempt.finish(
                    0,
                    AttemptOutcomes.BAD_RESPONSE,
                    "malformed response: "
                            + AttemptOutcomes.messageOf(object.decoderResult().cause()));
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            // A 1xx (100 Continue, 103 Early Hints) precedes the response; 101 would switch protocols.
            informational = code >= 100 && code < 200 && code != 101;
            if (!informational) {
                status = code;
                keepAlive = code >= 200 && HttpUtil.isKeepAlive(response);
            }
        }
        if (msg instanceof HttpContent content) {
            if (informational) {
                informational = !(content instanceof LastHttpContent);
                return;
            }
            bodyBytes += content.content().readableBytes();
            if (bodyBytes > BODY_LIMIT) {
                // The status is known; the rest of the body is not worth reading, and the
                // connection is not reusable without reading it: close it.
                current = null;
                ctx.channel().config().setAutoRead(false);
                attempt.answered(status);
                ctx.close();
                return;
            }
            if (content instanceof LastHttpContent) {
                current = null;
                attempt.answered(status);
                if (keepAlive && written && ctx.channel().isActive()) {
                    pool.release(ctx.channel(), this);
                } else {
                    ctx.close();
                }
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelIdleClose();
        Attempt attempt = current;
        current = null;
        if (attempt != null) {
            attempt.finish(0, AttemptOutcomes.CONNECTION_RESET, "connection closed before a complete response");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
    }

    private void fail(Throwable cause) {
        Attempt attempt = current;
        current = null;
        if (attempt != null) {
            attempt.failed(cause);
        }
        ctx.close();
    }

    private void cancelIdleClose() {
        if (idleClose != null) {
            idleClose.cancel(false);
            idleClose = null;
        }
    }

    private static FullHttpRequest request(WebhookRequest request, String hostHeader) {
        FullHttpRequest post = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.POST, target(request.url()), Unpooled.wrappedBuffer(request.body()));
        HttpHeaders headers = post.headers();
        headers.set(HttpHeaderNames.HOST, hostHeader);
        headers.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, request.body().length);
        headers.set(ID, request.messageId());
        headers.set(TIMESTAMP, Long.toString(request.timestampSeconds()));
        headers.set(SIGNATURE, request.signatures());
        return post;
    }

    private static String target(URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }
}
