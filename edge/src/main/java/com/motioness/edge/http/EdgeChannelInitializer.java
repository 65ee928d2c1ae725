package com.motioness.edge.http;

import com.motioness.edge.limits.ConnectionLimit;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;

/**
 * The pipeline of every client connection, built by hand for this job: Netty's request decoder
 * (bounded request line and headers, strict about the version and what comes before a request
 * line), the HTTP/1 connection ({@link Http1Connection}) and the {@link RequestRouter}. There is no
 * response encoder: the edge writes response heads itself and streams pre-framed chunks to the
 * socket. The ingest route adds its aggregator behind the router; a stream leaves its
 * {@link StreamHandler} alone.
 */
public final class EdgeChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final EdgeServices services;
    private final HttpDecoderConfig decoderConfig;
    private final ConnectionLimit connections;
    private final ChannelFutureListener release;

    /**
     * @param maxRequestLine longest request line accepted; longer ones get 431
     * @param maxHeaderSize largest header block accepted; larger ones get 431
     * @param connections how many connections may be open; one past it is reset
     */
    public EdgeChannelInitializer(
            EdgeServices services, int maxRequestLine, int maxHeaderSize, ConnectionLimit connections) {
        this.services = services;
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
        addRequestHandlers(channel.pipeline(), decoderConfig, services);
    }

    /** Adds the handlers that read and answer HTTP/1 requests. */
    static void addRequestHandlers(ChannelPipeline pipeline, HttpDecoderConfig decoderConfig, EdgeServices services) {
        Http1Connection connection = new Http1Connection(services.requestTimeoutNanos);
        pipeline.addLast("http-decoder", new StrictRequestDecoder(decoderConfig))
                .addLast("http1", connection)
                .addLast("router", new RequestRouter(services, connection));
    }
}
