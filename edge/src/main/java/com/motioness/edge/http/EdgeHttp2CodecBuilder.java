package com.motioness.edge.http;

import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * Netty's server frame codec, with its encoder (and every protection the builder adds to it)
 * decorated by {@link PooledDataEncoder}, so that a stream's plain DATA frames allocate nothing.
 */
final class EdgeHttp2CodecBuilder extends Http2FrameCodecBuilder {
    /** A server's builder, as {@code Http2FrameCodecBuilder.forServer()} is. */
    EdgeHttp2CodecBuilder() {
        server(true);
    }

    @Override
    protected Http2FrameCodec build(
            Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings initialSettings) {
        return super.build(decoder, new PooledDataEncoder(encoder), initialSettings);
    }
}
