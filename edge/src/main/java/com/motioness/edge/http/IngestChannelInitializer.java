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
        this.decoderConfig = EdgeChannelInitializer.decoderConfig(maxRequestLine, maxHeaderSize);
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        EdgeChannelInitializer.addRequestHandlers(channel.pipeline(), decoderConfig, services, null, true);
    }
}
