package com.motioness.edge.http;

import com.motioness.edge.fanout.ChunkFraming;
import com.motioness.edge.fanout.StreamHead;
import com.motioness.protocol.EventId;
import com.motioness.protocol.sse.SseEncoding;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;

/** The HTTP/1 answers of one stream request, with its route's CORS headers. */
final class HttpStreamResponder implements StreamRequestResponder {
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
        ResponseHead head = streamHead(channel, chunked);
        String truncationNotice = stream.truncationNotice();
        String cursorNotice = stream.cursorNotice();
        EventId startId = stream.startId();
        if (truncationNotice != null) {
            head.header(HttpNames.REPLAY_TRUNCATED, "true");
        }
        if (cursorNotice != null) {
            head.header(HttpNames.CURSOR_AHEAD, "true");
        }
        ByteBuf out = head.end();
        int length = SseEncoding.retryLength(retryMillis)
                + (truncationNotice == null ? 0 : SseEncoding.commentLength(truncationNotice))
                + (cursorNotice == null ? 0 : SseEncoding.commentLength(cursorNotice))
                + (startId == null ? 0 : SseEncoding.cursorLength(startId.ms(), startId.seq()));
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
        ResponseHead head = streamHead(channel, chunked);
        if (chunked && !keepAlive) {
            head.header(HttpNames.CONNECTION, "close");
        }
        Responses.finish(channel, head.end(), keepAlive);
    }

    /** The headers every stream's 200 starts with. */
    private ResponseHead streamHead(Channel channel, boolean chunked) {
        ResponseHead head = ResponseHead.status(channel, HttpResponseStatus.OK)
                .header(HttpNames.CONTENT_TYPE, HttpNames.EVENT_STREAM)
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
