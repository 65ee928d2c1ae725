package com.motioness.edge.http;

import com.motioness.edge.metrics.RequestCounters.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The first handler of a cleartext connection: tells HTTP/2 with prior knowledge (RFC 9113 section
 * 3.3: the client starts with the 24-byte connection preface) from HTTP/1 by the first bytes, then
 * leaves. On the first byte that differs from the preface the connection is HTTP/1: its handlers,
 * already in place behind this one (so their request timeout runs from the accept), get the bytes
 * read so far. On the whole preface they leave and the HTTP/2 handlers take the bytes instead.
 */
final class PriorKnowledgeDetector extends ByteToMessageDecoder {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final EdgeServices services;

    PriorKnowledgeDetector(EdgeServices services) {
        this.services = services;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int readable = Math.min(in.readableBytes(), PREFACE.length);
        int start = in.readerIndex();
        for (int i = 0; i < readable; i++) {
            if (in.getByte(start + i) != PREFACE[i]) {
                EdgeChannelInitializer.countConnection(ctx.channel(), Protocol.HTTP1, services);
                // Removed, this decoder hands what it read on to the HTTP/1 decoder.
                ctx.pipeline().remove(this);
                return;
            }
        }
        if (readable == PREFACE.length) {
            ChannelPipeline pipeline = ctx.pipeline();
            // Removing Http1Connection cancels its request timeout.
            pipeline.remove("router");
            pipeline.remove("http1");
            pipeline.remove("http-decoder");
            EdgeChannelInitializer.addHttp2Handlers(pipeline, services);
            // The preface and what followed it go to the HTTP/2 codec, which reads the preface itself.
            pipeline.remove(this);
        }
    }
}
