package com.motioness.edge.http;

import com.motioness.edge.fanout.StreamResponder;

/**
 * How a stream request is answered on its transport: before a stream opens (a refusal, a HEAD),
 * the hand-over of the channel to the stream, and the stream's own answers ({@link StreamResponder}).
 * HTTP/1's is {@link HttpStreamResponder}; an HTTP/2 front would bring its own.
 */
interface StreamRequestResponder extends StreamResponder {
    /** Whether the stream's body is chunked (else it ends when the connection does: HTTP/1.0). */
    boolean chunked();

    /**
     * Answers with an error instead of a stream.
     *
     * @param retryAfterSeconds the {@code Retry-After} to send; 0: none
     * @param endConnection the connection ends with the answer; else it lasts if the client asked so
     */
    void refuse(ApiError error, long retryAfterSeconds, boolean endConnection);

    /** Answers a HEAD: the head a stream opens with, before the log is read, and no body. */
    void writeHeadOnly();

    /**
     * The channel carries the stream from now on: the transport's request handlers leave its
     * pipeline, and the stream's handler is added after.
     */
    void handOver();
}
