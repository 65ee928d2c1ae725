package com.motioness.edge.http;

import com.motioness.edge.fanout.StreamRoute;
import com.motioness.edge.log.StreamRef;
import com.motioness.protocol.EventId;

/**
 * A request for an event stream, checked and authenticated, as {@link StreamHandler} opens it.
 * Nothing in it is HTTP/1's: how it is answered (CORS, keep-alive, chunks) is its responder's.
 *
 * @param stream the asset or the project's feed, with the project when the request names it (a key's)
 * @param cursor the client's Last-Event-ID, or null
 * @param tail how many of the feed's newest events to replay without a cursor; 0: none
 * @param route the endpoint, for metrics and the access log
 * @param client the client's address, as the limits count it
 * @param headOnly a HEAD: answered with the stream's head alone, and no stream is held
 * @param access who reads, what they may read, and how that is checked again
 */
record StreamRequest(
        StreamRef stream,
        EventId cursor,
        int tail,
        StreamRoute route,
        String client,
        boolean headOnly,
        StreamAccess access) {}
