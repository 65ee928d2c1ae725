package com.motioness.edge.support;

/**
 * One block of an event stream as an EventSource parser sees it: the fields up to a blank line.
 * A heartbeat is a block with only a comment; the first block carries only {@code retry}.
 */
public record SseBlock(String event, String id, String data, String comment, String retry) {
    /** True for an event a browser would dispatch (it has data). */
    public boolean isEvent() {
        return data != null;
    }

    /** True for the {@code : ping} heartbeat. */
    public boolean isPing() {
        return "ping".equals(comment) && data == null;
    }
}
