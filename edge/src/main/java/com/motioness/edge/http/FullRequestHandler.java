package com.motioness.edge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * The handler behind a {@link RouteBodyAggregator}: it takes the whole requests the aggregator
 * makes, lets every other message pass on (another route's request, on its way to its own
 * handler), and releases each request once handled.
 */
abstract class FullRequestHandler extends ChannelInboundHandlerAdapter {
    /** The connection the requests arrive on. */
    final Http1Connection connection;

    FullRequestHandler(Http1Connection connection) {
        this.connection = connection;
    }

    /** Handles a request read whole; it is released afterwards. */
    abstract void handle(FullHttpRequest request);

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            connection.requestRead();
            handle(request);
        } finally {
            request.release();
        }
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PrematureChannelClosureException) {
            // The aggregator's word for a client that left in the middle of a body: nothing to answer.
            return;
        }
        ConnectionErrors.close(ctx, cause);
    }
}
