package com.motioness.edge.http;

import com.motioness.protocol.EventId;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Objects;

/** What a stream request asks for besides its path: where to resume (the cursor) and the feed's tail. */
final class StreamQuery {
    private StreamQuery() {}

    /**
     * The cursor from Last-Event-ID, else from ?lastEventId= (for clients that cannot set headers).
     * The header wins: an EventSource opened with ?lastEventId= (a page resuming after a reload)
     * keeps that URL and sends its newer Last-Event-ID on every reconnect.
     *
     * @throws ConflictingCursorException when the header, or the parameter, is given twice with different values
     */
    static EventId cursorOf(HttpRequest request, QueryStringDecoder uri) {
        List<String> headers = request.headers().getAll(HttpNames.LAST_EVENT_ID);
        if (!headers.isEmpty()) {
            return oneCursor("Last-Event-ID", headers);
        }
        List<String> fromQuery = uri.parameters().get("lastEventId");
        return fromQuery == null || fromQuery.isEmpty() ? null : oneCursor("lastEventId", fromQuery);
    }

    /** The one cursor every value names; "1700" and "1700-0" are one id. */
    private static EventId oneCursor(String source, List<String> values) {
        EventId cursor = parseCursor(source, values.get(0));
        for (int i = 1; i < values.size(); i++) {
            if (!Objects.equals(cursor, parseCursor(source, values.get(i)))) {
                throw new ConflictingCursorException(
                        source + " is given " + values.size() + " times with different values; send one cursor");
            }
        }
        return cursor;
    }

    private static EventId parseCursor(String source, String raw) {
        // EventSource sends no header until it has seen an id; an empty one means the same.
        if (raw.isEmpty()) {
            return null;
        }
        try {
            return EventId.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** Two values of one cursor that name different events: which one the client means is unknown. */
    static final class ConflictingCursorException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ConflictingCursorException(String message) {
            super(message);
        }
    }

    /**
     * The activity feed's {@code ?tail=N}: how many of the project's newest events to replay before
     * it goes live, capped to {@code max}; 0 without it. A cursor, if the request has one, wins
     * (a reconnect resumes where it was), but a malformed tail is refused all the same.
     */
    static int feedTailOf(QueryStringDecoder uri, int max) {
        List<String> values = uri.parameters().get("tail");
        if (values == null) {
            return 0;
        }
        String raw = values.get(0);
        if (!values.stream().allMatch(raw::equals)) {
            throw new IllegalArgumentException("tail: given more than once with different values");
        }
        long count = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < '0' || c > '9') {
                count = -1;
                break;
            }
            // Saturates: any N past the cap asks for as many as the edge gives, and cannot overflow.
            count = Math.min(count * 10 + (c - '0'), max);
        }
        if (raw.isEmpty() || count < 0) {
            throw new IllegalArgumentException(
                    "tail must be a whole number of events, 0 or more, got \"" + ApiError.abbreviate(raw) + "\"");
        }
        return (int) count;
    }
}
