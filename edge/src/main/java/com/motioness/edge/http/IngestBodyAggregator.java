package com.motioness.edge.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;

/**
 * Netty's aggregator on the ingest route: it reads an ingest body, bounded by
 * {@code --max-ingest-bytes}, into one {@code FullHttpRequest} for the {@link IngestHandler}. Its
 * hooks keep the edge's answers: our {@code 100 Continue} bytes, and our JSON 413, after which the
 * connection closes (reading the rest of an oversized body is work for nothing).
 *
 * <p>The edge runs no response encoder, so Netty's own answers (response objects) could not be
 * written; and {@link HttpServerExpectContinueHandler} is not used for the same reason: its hooks
 * can only return response objects (Netty also documents it as the alternative to this aggregator,
 * not its companion). This aggregator's continue hook may return bytes, and does.
 */
final class IngestBodyAggregator extends HttpObjectAggregator {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Http1Connection connection;

    IngestBodyAggregator(int maxBytes, Http1Connection connection) {
        super(maxBytes);
        this.connection = connection;
    }

    /**
     * {@code 100 Continue} when the client waits for it and the declared length fits; else nothing
     * (a body too large is refused by {@link #handleOversizedMessage}). An expectation other than
     * {@code 100-continue} is ignored, as the edge always has (RFC 9110 section 10.1.1 allows a 417,
     * and does not require one): Netty would answer it 417.
     */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        if (HttpUtil.is100ContinueExpected(start) && !isContentLengthInvalid(start, maxContentLength)) {
            return Unpooled.wrappedBuffer(CONTINUE);
        }
        return null;
    }

    /** A declared length, or the body read so far, over the bound: 413, and the connection closes. */
    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        // Closing: reading the rest of an oversized body is work for nothing.
        connection.answer(
                ApiError.of(
                        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "body_too_large",
                        "the request body is larger than " + maxContentLength() + " bytes"),
                CorsPolicy.NONE,
                null,
                false);
    }
}
