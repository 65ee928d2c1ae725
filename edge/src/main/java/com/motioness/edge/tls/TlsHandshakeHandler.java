package com.motioness.edge.tls;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right behind the {@link SslHandler} of every TLS connection, one instance for all: counts
 * each handshake's outcome ({@link TlsMetrics}), and closes a connection whose TLS fails without a
 * warning in the log. A failed handshake is the client's business (a scanner, an old client, a
 * cleartext request to the TLS port): it is counted by reason, and logged at DEBUG only.
 */
@ChannelHandler.Sharable
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeHandler.class);

    private final TlsMetrics metrics;

    TlsHandshakeHandler(TlsMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                String alpn = ssl.applicationProtocol();
                metrics.handshakeOk(ssl.engine().getSession().getProtocol(), alpn == null ? "none" : alpn);
            } else {
                HandshakeFailure reason = HandshakeFailure.of(handshake.cause());
                LOG.debug(
                        "tls handshake failed ({}) from {}: {}",
                        reason.label,
                        ctx.channel().remoteAddress(),
                        handshake.cause().toString());
                metrics.handshakeFailed(reason);
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isTls(cause)) {
            // After a failed handshake, or a record that does not decrypt: the connection's bytes
            // cannot be trusted any more, and the handlers behind have nothing to answer.
            LOG.debug("tls error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private static boolean isTls(Throwable cause) {
        Throwable tls = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        return tls instanceof SSLException || tls instanceof NotSslRecordException;
    }
}
