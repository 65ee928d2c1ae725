package com.motioness.edge.fanout;

import io.netty.channel.Channel;

/**
 * Writes the answers a subscription decides on once it has read the head of its stream. The HTTP
 * layer implements it, so status lines, CORS and caching headers stay in one place.
 */
public interface StreamResponder {
    /**
     * Writes the 200 head of an event stream and its first frame: the {@code retry:} advice and
     * what {@code head} says (truncation, a cursor ahead of the stream, a starting cursor).
     */
    void writeStreamHead(Channel channel, boolean chunked, StreamHead head);

    /** 204: the asset already ended at or before the client's cursor; EventSource stops for good. */
    void writeNoContent(Channel channel);

    /** 503: the log could not be read; the body says what to do. */
    void writeUnavailable(Channel channel, String message);
}
