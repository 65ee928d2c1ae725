package com.motioness.edge.http;

import com.motioness.edge.limits.ConnectionLimit;
import com.motioness.edge.tls.ServerTls;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.AttributeKey;

/**
 * The pipeline of every client connection, built by hand for this job: Netty's request decoder
 * (bounded request line and headers, strict about the version and what comes before a request
 * line), the HTTP/1 connection ({@link Http1Connection}) and the {@link RequestRouter}. There is no
 * response encoder: the edge writes response heads itself and streams pre-framed chunks to the
 * socket. The ingest route adds its aggregator behind the router; a stream leaves its
 * {@link StreamHandler} alone.
 *
 * <p>With TLS ({@code --tls-cert}), the connection starts with the {@code SslHandler} of the
 * certificate current when it was accepted, the handshake counter, and {@link AlpnProtocolSwitch},
 * which adds the HTTP/1 handlers above (or the HTTP/2 ones, for {@code h2}) once the handshake is
 * done.
 */
public final class EdgeChannelInitializer extends ChannelInitializer<SocketChannel> {
    /**
     * Set to true on every connection accepted on the TLS port, before its first byte: the
     * per-protocol metrics tell TLS connections from cleartext ones by it.
     */
    public static final AttributeKey<Boolean> TLS = AttributeKey.valueOf("motioness.tls");

    private final EdgeServices services;
    private final ServerTls tls;
    private final HttpDecoderConfig decoderConfig;
    private final ConnectionLimit connections;
    private final ChannelFutureListener release;

    /**
     * @param maxRequestLine longest request line accepted; longer ones get 431
     * @param maxHeaderSize largest header block accepted; larger ones get 431
     * @param connections how many connections may be open; one past it is reset
     * @param tls TLS on this listener, or null for cleartext
     */
    public EdgeChannelInitializer(
            EdgeServices services, int maxRequestLine, int maxHeaderSize, ConnectionLimit connections, ServerTls tls) {
        this.services = services;
        this.tls = tls;
        this.connections = connections;
        this.release = closed -> connections.closed();
        this.decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(maxRequestLine)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(64 * 1024);
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (!connections.tryOpen()) {
            // A reset, not an HTTP error: EventSource retries after a network error, but gives up
            // for good on any status but 200 (and a 503 would cost more than the reset).
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
            return;
        }
        channel.closeFuture().addListener(release);
        if (tls == null) {
            addRequestHandlers(channel.pipeline(), decoderConfig, services);
            return;
        }
        channel.attr(TLS).set(Boolean.TRUE);
        channel.pipeline()
                .addLast("tls", tls.newHandler(channel.alloc()))
                .addLast("tls-handshake", tls.handshakeHandler())
                .addLast("alpn", new AlpnProtocolSwitch(decoderConfig, services));
    }

    /** Adds the handlers that read and answer HTTP/1 requests; returns the connection's {@link Http1Connection}. */
    static Http1Connection addRequestHandlers(
            ChannelPipeline pipeline, HttpDecoderConfig decoderConfig, EdgeServices services) {
        Http1Connection connection = new Http1Connection(services.requestTimeoutNanos);
        pipeline.addLast("http-decoder", new StrictRequestDecoder(decoderConfig))
                .addLast("http1", connection)
                .addLast("router", new RequestRouter(services, connection));
        return connection;
    }

    /**
     * Adds the handlers of an HTTP/2 connection (ALPN chose {@code h2}). Not offered yet: ALPN offers
     * {@code http/1.1} alone until the HTTP/2 front is in, so this closes the connection.
     */
    static void addHttp2Handlers(ChannelPipeline pipeline, EdgeServices services) {
        pipeline.channel().close();
    }
}
