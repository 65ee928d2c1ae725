package com.motioness.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Writes an HTTP/1.1 status line and headers straight into a buffer. The edge writes its own
 * response heads instead of running Netty's HttpResponseEncoder, because stream bodies are
 * pre-framed chunks shared across channels (see {@code ChunkFraming}) and must pass to the socket
 * untouched.
 */
final class ResponseHead {
    private final ByteBuf out;

    private ResponseHead(ByteBuf out) {
        this.out = out;
    }

    static ResponseHead status(ByteBufAllocator alloc, HttpResponseStatus status) {
        ByteBuf out = alloc.buffer(256);
        ByteBufUtil.writeAscii(out, "HTTP/1.1 ");
        ByteBufUtil.writeAscii(out, status.codeAsText());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, status.reasonPhrase());
        out.writeByte('\r').writeByte('\n');
        return new ResponseHead(out);
    }

    ResponseHead header(CharSequence name, CharSequence value) {
        ByteBufUtil.writeAscii(out, name);
        out.writeByte(':').writeByte(' ');
        // Values we echo (an allowed Origin) were matched against configuration; anything else
        // is a constant, so no header injection can pass through here.
        ByteBufUtil.writeAscii(out, value);
        out.writeByte('\r').writeByte('\n');
        return this;
    }

    ResponseHead header(CharSequence name, long value) {
        return header(name, Long.toString(value));
    }

    /** Ends the head; the caller owns the buffer and may append the first body bytes to it. */
    ByteBuf end() {
        out.writeByte('\r').writeByte('\n');
        return out;
    }
}
