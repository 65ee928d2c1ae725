package com.motioness.protocol;

import java.time.Duration;

/**
 * A producer's name for one batch of events ({@code Idempotency-Key} on ingest): a retry of the
 * batch with the same key and the same events, within the log's window, stores nothing and answers
 * the ids of the first success. 1 to {@value #MAX_LENGTH} printable ASCII characters (0x21-0x7E);
 * a UUID per batch is a good choice.
 */
public final class IdempotencyKey {
    /** The longest key, in characters. */
    public static final int MAX_LENGTH = 255;
    /** How long a key is remembered unless configured otherwise. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

    private final String value;

    private IdempotencyKey(final String value) {
        this.value = value;
    }

    /**
     * Checks and wraps a key.
     *
     * @param value the key as the producer sent it
     * @return the key
     * @throws IllegalArgumentException when it is empty, longer than {@value #MAX_LENGTH}, or holds
     *     anything but printable ASCII
     */
    public static IdempotencyKey of(final String value) {
        if (!isValid(value)) {
            throw new IllegalArgumentException(
                    "Idempotency-Key must be 1 to " + MAX_LENGTH + " printable ASCII characters (0x21-0x7E)");
        }
        return new IdempotencyKey(value);
    }

    /**
     * Tells whether {@code value} is a valid key.
     *
     * @param value a candidate, may be null
     * @return true for 1 to {@value #MAX_LENGTH} characters of 0x21-0x7E
     */
    public static boolean isValid(final String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the key as sent.
     *
     * @return the key's characters
     */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof IdempotencyKey other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
