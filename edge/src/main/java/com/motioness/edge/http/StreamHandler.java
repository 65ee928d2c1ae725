package com.motioness.edge.http;

import com.motioness.edge.fanout.Subscription;
import com.motioness.edge.limits.StreamLimits;
import com.motioness.edge.metrics.RequestCounters.Limit;
import com.motioness.edge.metrics.RequestCounters.Protocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * The handler of a channel that carries one SSE stream. {@link #open} takes a checked and
 * authenticated {@link StreamRequest} and the responder of its transport; nothing here depends on
 * how requests reached it (HTTP/1 and its pipelining today; an HTTP/2 stream's channel or TLS could
 * feed it the same way). Once the stream opens, this handler is all the pipeline holds after the
 * transport: it passes the channel's writability and end to the {@link Subscription} and drops
 * whatever the client still sends. It is also the stream's end hook ({@link #run}), one object
 * instead of two for what an idle stream holds its whole life.
 */
final class StreamHandler extends ChannelInboundHandlerAdapter implements Runnable {
    private final EdgeServices services;
    private final String client;
    private final StreamAccess access;
    private final Subscription subscription;

    private StreamHandler(EdgeServices services, String client, StreamAccess access, Subscription subscription) {
        this.services = services;
        this.client = client;
        this.access = access;
        this.subscription = subscription;
    }

    /**
     * Opens the stream {@code request} asks for on {@code channel}, on its loop; or answers instead:
     * 503 while the node drains, 429 past a limit, and only the stream's head to a HEAD.
     */
    static void open(Channel channel, EdgeServices services, StreamRequest request, StreamRequestResponder responder) {
        if (services.draining()) {
            // Checked here, on the loop, after every asynchronous lookup: a request that was in
            // flight when the drain began must not open a stream the drain has already counted out.
            responder.refuse(
                    ApiError.of(
                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "draining",
                            "this node is shutting down; reconnect to resume from your cursor"),
                    1,
                    true);
            return;
        }
        StreamAccess access = request.access();
        String client = request.client();
        StreamLimits.Kind refused = services.limits.tryOpen(client, access.kind(), access.identity());
        if (refused != null) {
            services.counters.limitRejected(
                    refused == StreamLimits.Kind.KEY
                            ? Limit.KEY
                            : refused == StreamLimits.Kind.USER ? Limit.USER : Limit.ADDRESS);
            String who = refused == StreamLimits.Kind.KEY
                    ? "this project key"
                    : refused == StreamLimits.Kind.USER ? "this user" : "address " + client;
            responder.refuse(
                    ApiError.of(
                            HttpResponseStatus.TOO_MANY_REQUESTS,
                            "too_many_streams",
                            "too many open streams for " + who),
                    1,
                    false);
            return;
        }
        if (request.headOnly()) {
            // HEAD gets the head a stream opens with and holds no stream: the place is given back at
            // once, and the log is not read. What only its read tells (204 after the asset's end, the
            // truncation and cursor-ahead headers) is left out, as RFC 9110 section 9.3.2 allows for
            // what is determined while generating the content.
            services.limits.release(client, access.kind(), access.identity());
            responder.writeHeadOnly();
            return;
        }
        responder.handOver();
        services.counters.streamOpened(channel instanceof Http2StreamChannel ? Protocol.H2 : Protocol.HTTP1);
        Subscription subscription = new Subscription(
                channel,
                services.fanoutFor(channel.eventLoop()),
                services.log,
                request.stream(),
                request.cursor(),
                access.mayRead(),
                responder,
                responder.chunked());
        StreamHandler handler = new StreamHandler(services, client, access, subscription);
        subscription.route(request.route()).tail(request.tail()).onEnd(handler);
        // A session or key revoked while its stream is open ends the stream at the next check.
        subscription.recheckEvery(access.recheckEvery(), access.stillValid());
        channel.pipeline().addLast("stream", handler);
        subscription.open();
    }

    /** The stream ended, whatever the reason: its places are given back, its access-log line written. */
    @Override
    public void run() {
        services.limits.release(client, access.kind(), access.identity());
        services.accessLog.streamEnded(subscription, client);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // A stream reads no more requests: what its client sends is dropped.
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        subscription.onWritabilityChanged();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        subscription.onChannelInactive();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionErrors.close(ctx, cause);
    }
}
