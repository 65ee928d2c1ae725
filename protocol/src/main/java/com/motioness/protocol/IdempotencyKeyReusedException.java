package com.motioness.protocol;

/**
 * The log refused a batch because its {@link IdempotencyKey} was used, within the window, for a
 * batch with other events: a producer bug (a key reused for new work) that must not pass as a
 * retry. Nothing was stored. An expected outcome of a producer's input, so no stack trace.
 */
public final class IdempotencyKeyReusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened, for the producer
     */
    public IdempotencyKeyReusedException(final String message) {
        super(message, null, false, false);
    }

    /**
     * The refusal of {@code key}, with the message the Redis function gives.
     *
     * @return the exception
     */
    public static IdempotencyKeyReusedException of(final IdempotencyKey key) {
        return new IdempotencyKeyReusedException(
                "Idempotency-Key " + key + " was used for a different batch within" + " the idempotency window");
    }
}
