package com.motioness.edge.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;

/**
 * The pipeline of a connection to the ingest listener ({@code --ingest-port}): the HTTP/1 handlers
 * of the public port, cleartext, whose router serves ingest alone (any other route is 404). The
 * listener's connections live on a loop the fan-out never runs on, so a request is read, appended
 * and answered at once however busy delivery keeps the other loops.
 *
 * <p>Not counted against {@code --max-connections}: producers must reach a node that streams have
 * filled. Ingest's bearer token, its checks, its answers and its end at shutdown are the same as on
 * the public port.
 */
public final class IngestChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final EdgeServices services;
    private final HttpDecoderConfig decoderConfig;

    /**
     * @param maxRequestLine longest request line accepted; longer ones get 431
     * @param maxHeaderSize largest header block accepted; larger ones get 431
     */
    public IngestChannelInitializer(EdgeServices services, int maxRequestLine, int maxHeaderSize) {
        this.services = services;
        this.decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(maxRequestLine)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(64 * 1024);
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        Http1Connection connection = new Http1Connection(services.requestTimeouts);
        channel.pipeline()
                .addLast("http-decoder", new StrictRequestDecoder(decoderConfig))
                .addLast("http1", connection)
                .addLast("router", new RequestRouter(services, connection, true));
    }
}
