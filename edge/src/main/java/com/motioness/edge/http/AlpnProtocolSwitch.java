package com.motioness.edge.http;

import com.motioness.edge.metrics.RequestCounters.Protocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * Once a TLS connection's handshake is done, builds the rest of its pipeline for the protocol ALPN
 * chose: {@code h2} gets the HTTP/2 handlers, {@code http/1.1} (or a client that offered no ALPN)
 * the HTTP/1 ones, exactly as on a cleartext connection. Until then it holds what the client sent.
 * A failed handshake closes the connection without a warning: it was counted already
 * ({@code motioness_tls_handshake_failures_total}) and is the client's business.
 */
final class AlpnProtocolSwitch extends ApplicationProtocolNegotiationHandler {
    private final HttpDecoderConfig decoderConfig;
    private final EdgeServices services;
    private final ConnectionCloseListeners closeListeners;

    AlpnProtocolSwitch(
            HttpDecoderConfig decoderConfig, EdgeServices services, ConnectionCloseListeners closeListeners) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.decoderConfig = decoderConfig;
        this.services = services;
        this.closeListeners = closeListeners;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            EdgeChannelInitializer.addHttp2Handlers(ctx.pipeline(), services, closeListeners);
        } else {
            // Added to a connection already active, so its channelActive never comes: the time to
            // send a request starts with the end of the handshake.
            EdgeChannelInitializer.addRequestHandlers(ctx.pipeline(), decoderConfig, services)
                    .startRequestTimeout();
            EdgeChannelInitializer.countConnection(ctx.channel(), Protocol.HTTP1, closeListeners);
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionErrors.close(ctx, cause);
    }
}
