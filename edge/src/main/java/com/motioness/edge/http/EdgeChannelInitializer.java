package com.motioness.edge.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * The pipeline of every client connection, built by hand for this job: Netty's request decoder
 * (bounded request line and headers) and the edge's handler. There is no response encoder and no
 * aggregator: the edge writes response heads itself and streams pre-framed chunks to the socket.
 */
public final class EdgeChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final EdgeServices services;
    private final HttpDecoderConfig decoderConfig;

    /**
     * @param maxRequestLine longest request line accepted; longer ones get 431
     * @param maxHeaderSize largest header block accepted; larger ones get 431
     */
    public EdgeChannelInitializer(EdgeServices services, int maxRequestLine, int maxHeaderSize) {
        this.services = services;
        this.decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(maxRequestLine)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(64 * 1024);
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline()
                .addLast("http-decoder", new HttpRequestDecoder(decoderConfig))
                .addLast("edge", new EdgeRequestHandler(services));
    }
}
