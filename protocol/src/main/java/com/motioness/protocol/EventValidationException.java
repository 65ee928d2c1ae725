package com.motioness.protocol;

/**
 * An event that breaks the contract, with the field that is wrong. The message always starts with
 * the field name ({@code latency_ms: required on stage_completed}); {@code body} names problems of
 * the document as a whole. No stack trace is captured: this is bad input, not a bug.
 */
public final class EventValidationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final int index;

    /**
     * @param field the snake_case JSON field, or {@code body}
     * @param message the full message, starting with the field name
     */
    public EventValidationException(String field, String message) {
        this(field, message, -1);
    }

    private EventValidationException(String field, String message, int index) {
        super(message, null, false, false);
        this.field = field;
        this.index = index;
    }

    /** The JSON field that is wrong, or {@code body}. */
    public String field() {
        return field;
    }

    /** The position of the event in an ingest array, or -1 for a single event. */
    public int index() {
        return index;
    }

    /** The same error, located at position {@code index} of a batch. */
    public EventValidationException atIndex(int index) {
        return new EventValidationException(field, getMessage(), index);
    }
}
