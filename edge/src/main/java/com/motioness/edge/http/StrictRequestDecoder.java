package com.motioness.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder, made strict where RFC 9112 is and Netty is lenient: the HTTP version
 * must be written exactly {@code HTTP/1.1} or {@code HTTP/1.0} (Netty upper-cases {@code http/1.1}
 * and takes any {@code x/d.d}), and nothing but empty lines may come before a request line (Netty
 * skips any whitespace and control bytes there). A request that breaks either rule comes out as
 * Netty's invalid message, a failed {@link DecoderResult}, like any malformed request, and
 * everything after it on the connection is discarded: its framing cannot be trusted.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
    private static final String HTTP_1_1 = "HTTP/1.1";
    private static final String HTTP_1_0 = "HTTP/1.0";

    /** A well-formed version this server does not speak: the answer is 505, not 400. */
    static final class UnsupportedVersionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnsupportedVersionException(String version) {
            super(version);
        }

        /** The version as the client wrote it. */
        String version() {
            return getMessage();
        }
    }

    /** True between requests: the next byte that is not CR or LF starts a request line. */
    private boolean betweenRequests = true;
    /** A request failed: the rest of the connection's bytes are dropped, as Netty does after its own failures. */
    private boolean failed;
    /** Until the first bytes tell: on a cleartext connection that may be HTTP/2 with prior knowledge; else null. */
    private PriorKnowledge priorKnowledge;

    /** A decoder of HTTP/1 only. */
    StrictRequestDecoder(HttpDecoderConfig config) {
        this(config, null);
    }

    /** @param priorKnowledge null, or what decides whether the connection's first bytes are HTTP/2's preface */
    StrictRequestDecoder(HttpDecoderConfig config, PriorKnowledge priorKnowledge) {
        super(config);
        this.priorKnowledge = priorKnowledge;
    }

    @Override
    protected HttpMessage createMessage(String[] initialLine) throws Exception {
        String version = initialLine[2];
        if (!version.equals(HTTP_1_1) && !version.equals(HTTP_1_0)) {
            // RFC 9112 section 2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive.
            boolean wellFormed = version.length() == 8
                    && version.startsWith("HTTP/")
                    && isDigit(version.charAt(5))
                    && version.charAt(6) == '.'
                    && isDigit(version.charAt(7));
            throw wellFormed
                    ? new UnsupportedVersionException(version)
                    : new IllegalArgumentException("the version must be written HTTP/1.1 or HTTP/1.0, got " + version);
        }
        return super.createMessage(initialLine);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (priorKnowledge != null) {
            PriorKnowledge.Verdict verdict = PriorKnowledge.of(buffer);
            if (verdict == PriorKnowledge.Verdict.UNDECIDED) {
                return;
            }
            PriorKnowledge decided = priorKnowledge;
            priorKnowledge = null;
            if (verdict == PriorKnowledge.Verdict.HTTP2) {
                decided.http2(ctx);
                return;
            }
            decided.http1(ctx);
        }
        if (failed) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        if (betweenRequests && !atCleanRequestStart(buffer)) {
            failed = true;
            buffer.skipBytes(buffer.readableBytes());
            HttpMessage invalid = createInvalidMessage();
            invalid.setDecoderResult(DecoderResult.failure(
                    new IllegalArgumentException("only empty lines may come before a request line")));
            out.add(invalid);
            return;
        }
        int from = out.size();
        super.decode(ctx, buffer, out);
        for (int i = from; i < out.size(); i++) {
            Object message = out.get(i);
            if (message instanceof HttpObject decoded && decoded.decoderResult().isFailure()) {
                failed = true;
            }
            if (message instanceof LastHttpContent) {
                betweenRequests = true;
            }
        }
    }

    /**
     * Looks past the empty lines a client may send before a request (RFC 9112 section 2.2 asks a
     * server to ignore them); false when the next byte cannot begin a method (a token): whitespace
     * and control bytes, which Netty would skip, or bytes beyond ASCII. Once a request line has
     * begun, the rest of it is Netty's.
     */
    private boolean atCleanRequestStart(ByteBuf buffer) {
        int end = buffer.writerIndex();
        for (int i = buffer.readerIndex(); i < end; i++) {
            byte b = buffer.getByte(i);
            if (b == '\r' || b == '\n') {
                continue;
            }
            betweenRequests = false;
            int c = b & 0xFF;
            return c > ' ' && c < 0x7F;
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
