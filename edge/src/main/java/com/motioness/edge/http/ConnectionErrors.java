package com.motioness.edge.http;

import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the handlers of a client connection do with an error they catch: say it, then close. */
final class ConnectionErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionErrors.class);

    private ConnectionErrors() {}

    static void close(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes are how SSE clients leave; anything else is worth a line.
        if (cause instanceof IOException) {
            LOG.debug("connection error: {}", cause.toString());
        } else {
            LOG.warn("closing connection after unexpected error", cause);
        }
        ctx.close();
    }
}
