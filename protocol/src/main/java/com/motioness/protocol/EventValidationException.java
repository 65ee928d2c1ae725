package com.motioness.protocol;

/**
 * An event, or an ingest body holding events, broke the wire contract.
 *
 * <p>{@link #field()} names the offending snake_case JSON field (or {@code "body"} for problems
 * with the document as a whole), and the {@linkplain #getMessage() message} always starts with
 * that name, for example {@code latency_ms: required on stage_completed}, so it can be returned to
 * the producer as is. Messages never echo more than a short excerpt of the input.
 *
 * <p>This is a user-input error on a server path, so it captures no stack trace: throwing it costs
 * about as much as allocating it.
 */
public final class EventValidationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The {@link #field()} of problems with the document as a whole rather than one field. */
    static final String BODY = "body";

    /** The snake_case name of the offending field, or {@code "body"}. */
    private final String field;
    /** The position in an ingest array, or -1. */
    private final int index;

    /**
     * Creates an exception for a single event.
     *
     * @param field the snake_case field name, or {@code "body"}
     * @param detail what is wrong, without the field name
     */
    public EventValidationException(final String field, final String detail) {
        this(field, field + ": " + detail, -1);
    }

    private EventValidationException(final String field, final String message, final int index) {
        super(message);
        this.field = field;
        this.index = index;
    }

    /**
     * Returns the snake_case name of the offending JSON field, for example {@code "latency_ms"},
     * or {@code "body"} for whole-document problems such as malformed JSON.
     *
     * @return the field name
     */
    public String field() {
        return field;
    }

    /**
     * Returns the position of the offending event in an ingest JSON array.
     *
     * @return the zero-based index, or -1 when the error is not about one element of an array
     */
    public int index() {
        return index;
    }

    /**
     * Returns a copy of this exception that points at element {@code index} of an ingest array.
     * The field and message are unchanged.
     *
     * @param index the zero-based position in the array, or -1 for none
     * @return a new exception carrying {@code index}
     * @throws IllegalArgumentException if {@code index} is less than -1
     */
    public EventValidationException atIndex(final int index) {
        if (index < -1) {
            throw new IllegalArgumentException("index must be >= -1, got " + index);
        }
        return new EventValidationException(field, getMessage(), index);
    }

    /**
     * Captures nothing: the message says all a caller needs, and stack walking would dominate the
     * cost of rejecting bad input.
     *
     * @return this exception
     */
    @Override
    public Throwable fillInStackTrace() {
        return this;
    }
}
