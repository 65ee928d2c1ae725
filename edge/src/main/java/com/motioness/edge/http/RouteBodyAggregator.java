package com.motioness.edge.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Netty's aggregator on a route that reads a body: ingest (bounded by {@code --max-ingest-bytes},
 * for the {@link IngestHandler}) and the webhook API (16 KiB, for the {@link WebhookApiHandler}).
 * It reads the body into one {@code FullHttpRequest}. Its hooks keep the edge's answers: our
 * {@code 100 Continue} bytes, and our JSON 413, after which the connection closes (reading the
 * rest of an oversized body is work for nothing).
 *
 * <p>A connection may carry both routes, each with its aggregator behind the router: an aggregator
 * takes only the requests the router marked as its route's ({@code takesRequest}), and lets every
 * other message pass on to the handlers behind it.
 *
 * <p>The edge runs no response encoder, so Netty's own answers (response objects) could not be
 * written; and {@link HttpServerExpectContinueHandler} is not used for the same reason: its hooks
 * can only return response objects (Netty also documents it as the alternative to this aggregator,
 * not its companion). This aggregator's continue hook may return bytes, and does.
 */
final class RouteBodyAggregator extends HttpObjectAggregator {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Http1Connection connection;
    private final BooleanSupplier takesRequest;

    /** @param takesRequest whether the request whose head arrives now is this aggregator's route's */
    RouteBodyAggregator(int maxBytes, Http1Connection connection, BooleanSupplier takesRequest) {
        super(maxBytes);
        this.connection = connection;
        this.takesRequest = takesRequest;
    }

    @Override
    public boolean acceptInboundMessage(Object msg) throws Exception {
        // Another route's head passes; so does its body, since this aggregator is not aggregating.
        if (msg instanceof HttpRequest && !(msg instanceof FullHttpMessage) && !takesRequest.getAsBoolean()) {
            return false;
        }
        return super.acceptInboundMessage(msg);
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
            if (pipeline.channel() instanceof Http2StreamChannel) {
                // HTTP/2 has no status line: an interim HEADERS frame on the stream.
                return new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers().status(HttpResponseStatus.CONTINUE.codeAsText()));
            }
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
