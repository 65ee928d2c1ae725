package com.motioness.edge.http;

import com.motioness.edge.metrics.RequestCounters.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import java.nio.charset.StandardCharsets;

/**
 * Tells HTTP/2 with prior knowledge (RFC 9113 section 3.3: the client starts with the 24-byte
 * connection preface) from HTTP/1 by a cleartext connection's first bytes, for the
 * {@link StrictRequestDecoder} that reads them: a handler of its own in front would be added and
 * removed again on every connection. On the first byte that differs from the preface the
 * connection is HTTP/1, and the decoder goes on with the bytes; on the whole preface the HTTP/1
 * handlers leave and the HTTP/2 ones take the bytes. Shared by a server's connections.
 */
final class PriorKnowledge {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What the bytes read so far say. */
    enum Verdict {
        HTTP1,
        HTTP2,
        UNDECIDED
    }

    private final EdgeServices services;
    private final ConnectionCloseListeners closeListeners;

    PriorKnowledge(EdgeServices services, ConnectionCloseListeners closeListeners) {
        this.services = services;
        this.closeListeners = closeListeners;
    }

    /** Which protocol {@code in}'s readable bytes, the connection's first, begin; they are left unread. */
    static Verdict of(ByteBuf in) {
        int readable = Math.min(in.readableBytes(), PREFACE.length);
        int start = in.readerIndex();
        for (int i = 0; i < readable; i++) {
            if (in.getByte(start + i) != PREFACE[i]) {
                return Verdict.HTTP1;
            }
        }
        return readable == PREFACE.length ? Verdict.HTTP2 : Verdict.UNDECIDED;
    }

    /** The connection speaks HTTP/1: the handlers in place stay. */
    void http1(ChannelHandlerContext decoder) {
        EdgeChannelInitializer.countConnection(decoder.channel(), Protocol.HTTP1, closeListeners);
    }

    /**
     * The connection speaks HTTP/2: the HTTP/1 handlers leave, the decoder of {@code decoder} last,
     * which hands the preface and what followed it to the HTTP/2 codec (it reads the preface itself).
     */
    void http2(ChannelHandlerContext decoder) {
        ChannelPipeline pipeline = decoder.pipeline();
        // Removing Http1Connection stops its request clock.
        pipeline.remove("router");
        pipeline.remove("http1");
        EdgeChannelInitializer.addHttp2Handlers(pipeline, services, closeListeners);
        pipeline.remove(decoder.handler());
    }
}
