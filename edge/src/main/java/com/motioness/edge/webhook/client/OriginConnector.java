package com.motioness.edge.webhook.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * How a pool opens a connection: the guarded resolution of its host, and a channel on the pool's
 * loop whose pipeline is TLS (for https, with SNI and hostname verification on the URL's host, not
 * the address connected to), the HTTP/1.1 client codec and the {@link AttemptHandler}.
 */
final class OriginConnector {
    private final GuardedResolver resolver;
    private final SslContext ssl;
    private final Class<? extends SocketChannel> channelType;

    OriginConnector(GuardedResolver resolver, SslContext ssl, Class<? extends SocketChannel> channelType) {
        this.resolver = resolver;
        this.ssl = ssl;
        this.channelType = channelType;
    }

    Future<InetAddress> resolve(String host, Promise<InetAddress> promise) {
        return resolver.resolve(host, promise);
    }

    Bootstrap bootstrap(EventLoop loop, Origin origin, OriginPool pool) {
        return new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                // No connect timeout of Netty's: the attempt's own timeout ends a connect (CONNECT_TIMEOUT).
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (origin.tls()) {
                            channel.pipeline().addLast(tls(channel, origin));
                        }
                        channel.pipeline()
                                .addLast(new HttpClientCodec())
                                .addLast(new AttemptHandler(pool, origin.hostHeader()));
                    }
                });
    }

    private SslHandler tls(Channel channel, Origin origin) {
        SslHandler handler = ssl.newHandler(channel.alloc(), origin.host(), origin.port());
        // Whatever context is given, the certificate must name the URL's host: we connect to an
        // address, so nothing else would check that it is the host the customer registered.
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        // The attempt's timeout bounds the handshake.
        handler.setHandshakeTimeoutMillis(0);
        return handler;
    }
}
