package com.motioness.edge.fanout;

import com.motioness.protocol.EventId;

/**
 * What the first bytes of a 200 stream say besides {@code retry:}: that the replay misses events
 * (retention dropped them, or the log lost its history), that the client's cursor was ahead of
 * the stream, and the cursor the client should hold from now on.
 *
 * @param truncationNotice the comment saying which events the replay misses, or null
 * @param cursorAhead the client's cursor when it named no event of this log (it was past the
 *     stream's end), or null
 * @param startId written as an {@code id:} frame without data, which sets the client's
 *     {@code Last-Event-ID} without dispatching an event; null for none
 */
public record StreamHead(String truncationNotice, EventId cursorAhead, EventId startId) {
    /** The comment that explains a cursor ahead of the stream, or null when it was not. */
    public String cursorNotice() {
        return cursorAhead == null
                ? null
                : "cursor " + cursorAhead + " is ahead of this stream, which ends at " + startId
                        + "; resuming from there";
    }
}
