package com.motioness.edge.fanout;

import io.netty.channel.Channel;

/**
 * Writes the answers a subscription decides on once it has read the head of its stream. The HTTP
 * layer implements it, so status lines, CORS and caching headers stay in one place.
 */
public interface StreamResponder {
    /**
     * Writes the 200 head of an event stream and its first frame: the {@code retry:} advice and,
     * when replay misses retained-out events, a comment that says so.
     *
     * @param truncationNotice comment text when the replay is incomplete, else null
     */
    void writeStreamHead(Channel channel, boolean chunked, String truncationNotice);

    /** 204: the asset already ended at or before the client's cursor; EventSource stops for good. */
    void writeNoContent(Channel channel);

    /** 404: no such stream, or one the caller may not see (indistinguishable on purpose). */
    void writeNotFound(Channel channel);

    /** 503: the log could not be read; the body says what to do. */
    void writeUnavailable(Channel channel, String message);
}
