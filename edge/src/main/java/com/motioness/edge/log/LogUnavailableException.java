package com.motioness.edge.log;

/**
 * The log cannot take or serve events right now (ring full, store unreachable); the caller should
 * answer 503 with Retry-After and the client try again. Carries no stack trace: it is an expected
 * condition under load, not a bug.
 */
public final class LogUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is unavailable, for the client's error body */
    public LogUnavailableException(String message) {
        super(message, null, false, false);
    }
}
