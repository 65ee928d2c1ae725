package com.motioness.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AsciiString;

/**
 * A response's status and headers, for the transport of its channel. On HTTP/1 it writes the status
 * line and headers straight into a buffer: the edge runs no HttpResponseEncoder, because stream
 * bodies are pre-framed chunks shared across channels (see {@code ChunkFraming}) and must pass to
 * the socket untouched. On an HTTP/2 stream's channel it collects {@link Http2Headers} and writes
 * them as the stream's HEADERS frame; the body that follows goes as DATA frames (see
 * {@link Http2StreamFraming}).
 */
final class ResponseHead {
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    /** HTTP/1: the head's bytes, which the body may follow. Null on HTTP/2. */
    private final ByteBuf out;
    /** HTTP/2: the stream's channel and its headers. Null on HTTP/1. */
    private final Channel stream;

    private final Http2Headers headers;

    private ResponseHead(ByteBuf out, Channel stream, Http2Headers headers) {
        this.out = out;
        this.stream = stream;
        this.headers = headers;
    }

    /** The head of an answer on {@code channel}: HTTP/1 bytes, or an HTTP/2 stream's HEADERS frame. */
    static ResponseHead status(Channel channel, HttpResponseStatus status) {
        if (channel instanceof Http2StreamChannel) {
            return new ResponseHead(null, channel, new DefaultHttp2Headers().status(status.codeAsText()));
        }
        return status(channel.alloc(), status);
    }

    /** An HTTP/1 head. */
    static ResponseHead status(ByteBufAllocator alloc, HttpResponseStatus status) {
        return status(alloc, status, 256);
    }

    /**
     * An HTTP/1 head in a buffer of {@code capacity} bytes: a stream's head and first frame, sized so
     * that the buffer never grows (a copy into a new pooled buffer per stream otherwise).
     */
    static ResponseHead status(ByteBufAllocator alloc, HttpResponseStatus status, int capacity) {
        ByteBuf out = alloc.buffer(capacity);
        ByteBufUtil.writeAscii(out, "HTTP/1.1 ");
        ByteBufUtil.writeAscii(out, status.codeAsText());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, status.reasonPhrase());
        out.writeByte('\r').writeByte('\n');
        return new ResponseHead(out, null, null);
    }

    /**
     * An HTTP/1 head that starts with {@code fixed}, a status line and headers encoded once (see
     * {@link #fixedBytes}), in a buffer with {@code room} bytes to spare after them.
     */
    static ResponseHead fixed(ByteBufAllocator alloc, byte[] fixed, int room) {
        ByteBuf out = alloc.buffer(fixed.length + room);
        out.writeBytes(fixed);
        return new ResponseHead(out, null, null);
    }

    /** The bytes an HTTP/1 head holds so far (its status line and headers, not its end), for {@link #fixed}. */
    byte[] fixedBytes() {
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    ResponseHead header(CharSequence name, CharSequence value) {
        if (headers != null) {
            // RFC 9113 section 8.2.2: connection-specific fields are malformed in HTTP/2 (a client
            // resets the stream); what they say on HTTP/1 (the end of the connection, chunks) the
            // stream's own framing says.
            if (!isConnectionSpecific(name)) {
                headers.add(AsciiString.of(name).toLowerCase(), value);
            }
            return this;
        }
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

    /**
     * Ends the head; the caller owns the buffer returned and may append the first body bytes to it.
     * On HTTP/1 that buffer holds the head itself; on HTTP/2 the HEADERS frame is written to the
     * stream (not flushed) and the buffer is empty, for the body's first DATA frame.
     */
    ByteBuf end() {
        if (stream != null) {
            stream.write(new DefaultHttp2HeadersFrame(headers, false), stream.voidPromise());
            return stream.alloc().buffer();
        }
        out.writeByte('\r').writeByte('\n');
        return out;
    }

    private static boolean isConnectionSpecific(CharSequence name) {
        return AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING)
                || AsciiString.contentEqualsIgnoreCase(name, KEEP_ALIVE)
                || AsciiString.contentEqualsIgnoreCase(name, PROXY_CONNECTION)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE);
    }
}
