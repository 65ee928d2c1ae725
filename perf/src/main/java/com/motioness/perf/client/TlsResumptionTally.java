package com.motioness.perf.client;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the handshakes that resumed a session. Netty does not say so publicly; a resumed session
 * keeps the creation time of the handshake that made it, so a session created well before this
 * connection began (the harness's sessions come from its warm-up, seconds earlier; OpenSSL keeps
 * that time in whole seconds) was resumed.
 */
@ChannelHandler.Sharable
final class TlsResumptionTally extends ChannelInboundHandlerAdapter {
    private static final long OLDER_THAN_MILLIS = 1500;

    private final AtomicLong full = new AtomicLong();
    private final AtomicLong resumed = new AtomicLong();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess()) {
            long created =
                    ctx.pipeline().get(SslHandler.class).engine().getSession().getCreationTime();
            (System.currentTimeMillis() - created > OLDER_THAN_MILLIS ? resumed : full).incrementAndGet();
        }
        ctx.fireUserEventTriggered(event);
    }

    long full() {
        return full.get();
    }

    long resumed() {
        return resumed.get();
    }
}
