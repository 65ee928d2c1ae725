package com.motioness.edge.http;

import com.motioness.edge.fanout.ChunkFraming;
import com.motioness.edge.fanout.StreamHead;
import com.motioness.protocol.EventId;
import com.motioness.protocol.sse.SseEncoding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2StreamChannel;

/** The HTTP/1 answers of one stream request, with its route's CORS headers. */
final class HttpStreamResponder implements StreamRequestResponder {
    /*
     * The public route's 200 head before its optional headers, chunked and not: the same bytes for
     * every stream, so encoded once (the cookie routes' heads echo the Origin and are built per stream).
     */
    private static final byte[] PUBLIC_CHUNKED_HEAD = fixedHead(CorsPolicy.PUBLIC, true);
    private static final byte[] PUBLIC_CLOSED_HEAD = fixedHead(CorsPolicy.PUBLIC, false);
    /** Room for the optional headers a stream's head may add and the head's end. */
    private static final int OPTIONAL_HEADERS_BYTES = 96;
    /** Room for the headers of a head built per stream (CORS with an echoed Origin). */
    private static final int BUILT_HEAD_BYTES = 512;

    private final CorsPolicy cors;
    private final String origin;
    private final long retryMillis;
    private final boolean chunked;
    private final boolean keepAlive;
    /**
     * The connection the request came on, until it is handed over: the stream keeps its responder
     * for its whole life, and must not keep the HTTP/1 handlers with it.
     */
    private Http1Connection connection;

    /**
     * @param chunked false for an HTTP/1.0 client: the body is then delimited by closing
     * @param keepAlive whether the client asked to keep the connection (for answers other than a stream)
     */
    HttpStreamResponder(
            Http1Connection connection,
            CorsPolicy cors,
            String origin,
            long retryMillis,
            boolean chunked,
            boolean keepAlive) {
        this.connection = connection;
        this.cors = cors;
        this.origin = origin;
        this.retryMillis = retryMillis;
        this.chunked = chunked;
        this.keepAlive = keepAlive;
    }

    @Override
    public boolean chunked() {
        return chunked;
    }

    @Override
    public void refuse(ApiError error, long retryAfterSeconds, boolean endConnection) {
        connection.answer(
                error,
                cors,
                origin,
                keepAlive && !endConnection,
                retryAfterSeconds > 0 ? head -> head.header(HttpNames.RETRY_AFTER, retryAfterSeconds) : null);
    }

    @Override
    public void writeHeadOnly() {
        boolean open = chunked && keepAlive;
        writeHeadOnly(connection.channel(), chunked, open);
        connection.answered(open);
    }

    @Override
    public void handOver() {
        connection.handOver();
        connection = null;
    }

    @Override
    public void writeStreamHead(Channel channel, boolean chunked, StreamHead stream) {
        String truncationNotice = stream.truncationNotice();
        String cursorNotice = stream.cursorNotice();
        EventId startId = stream.startId();
        int length = SseEncoding.retryLength(retryMillis)
                + (truncationNotice == null ? 0 : SseEncoding.commentLength(truncationNotice))
                + (cursorNotice == null ? 0 : SseEncoding.commentLength(cursorNotice))
                + (startId == null ? 0 : SseEncoding.cursorLength(startId.ms(), startId.seq()));
        // The head and its first frame in one buffer that never grows.
        ResponseHead head = streamHead(channel, chunked, OPTIONAL_HEADERS_BYTES + ChunkFraming.chunkLength(length));
        if (truncationNotice != null) {
            head.header(HttpNames.REPLAY_TRUNCATED, "true");
        }
        if (cursorNotice != null) {
            head.header(HttpNames.CURSOR_AHEAD, "true");
        }
        ByteBuf out = head.end();
        if (chunked) {
            ChunkFraming.writeChunkHeader(out, length);
        }
        SseEncoding.writeRetry(out, retryMillis);
        if (truncationNotice != null) {
            SseEncoding.writeComment(out, truncationNotice);
        }
        if (cursorNotice != null) {
            SseEncoding.writeComment(out, cursorNotice);
        }
        if (startId != null) {
            SseEncoding.writeCursor(out, startId.ms(), startId.seq());
        }
        if (chunked) {
            ChunkFraming.writeChunkTrailer(out);
        }
        channel.write(out, channel.voidPromise());
    }

    /**
     * @param keepAlive false: the connection ends after it (HTTP/1.0, whose stream head says so, or
     *     a client that asked to close)
     */
    private void writeHeadOnly(Channel channel, boolean chunked, boolean keepAlive) {
        ResponseHead head = streamHead(channel, chunked, OPTIONAL_HEADERS_BYTES);
        if (chunked && !keepAlive) {
            head.header(HttpNames.CONNECTION, "close");
        }
        Responses.finish(channel, head.end(), keepAlive);
    }

    /**
     * The headers every stream's 200 starts with, in a buffer with {@code room} bytes to spare after
     * them (HTTP/1).
     */
    private ResponseHead streamHead(Channel channel, boolean chunked, int room) {
        if (channel instanceof Http2StreamChannel) {
            return writeStreamHeaders(ResponseHead.status(channel, HttpResponseStatus.OK), cors, origin, chunked);
        }
        if (cors == CorsPolicy.PUBLIC) {
            byte[] fixed = chunked ? PUBLIC_CHUNKED_HEAD : PUBLIC_CLOSED_HEAD;
            return ResponseHead.fixed(channel.alloc(), fixed, room);
        }
        return writeStreamHeaders(
                ResponseHead.status(channel.alloc(), HttpResponseStatus.OK, BUILT_HEAD_BYTES + room),
                cors,
                origin,
                chunked);
    }

    private static ResponseHead writeStreamHeaders(ResponseHead head, CorsPolicy cors, String origin, boolean chunked) {
        head.header(HttpNames.CONTENT_TYPE, HttpNames.EVENT_STREAM)
                .header(HttpNames.CACHE_CONTROL, HttpNames.NO_CACHE)
                // nginx buffers proxied responses unless told not to; a buffered stream is dead.
                .header(HttpNames.X_ACCEL_BUFFERING, "no");
        if (chunked) {
            head.header(HttpNames.TRANSFER_ENCODING, "chunked");
        } else {
            // HTTP/1.0 has no chunks: the body ends when the connection does.
            head.header(HttpNames.CONNECTION, "close");
        }
        cors.writeHeaders(head, origin);
        return head;
    }

    /** The status line and headers of a stream's 200 under {@code cors}, whose headers are the same for every origin. */
    private static byte[] fixedHead(CorsPolicy cors, boolean chunked) {
        return writeStreamHeaders(
                        ResponseHead.status(UnpooledByteBufAllocator.DEFAULT, HttpResponseStatus.OK),
                        cors,
                        null,
                        chunked)
                .fixedBytes();
    }

    @Override
    public void writeNoContent(Channel channel) {
        Responses.empty(channel, HttpResponseStatus.NO_CONTENT, false, head -> cors.writeHeaders(head, origin));
    }

    @Override
    public void writeUnavailable(Channel channel, String message) {
        Responses.error(
                channel,
                ApiError.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", message),
                cors,
                origin,
                false,
                head -> head.header(HttpNames.RETRY_AFTER, "1"));
    }
}
