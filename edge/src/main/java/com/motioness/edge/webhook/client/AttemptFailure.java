package com.motioness.edge.webhook.client;

/**
 * A failure this client names itself (a refused address, a name that does not resolve): carries
 * its error code to {@link AttemptOutcomes}. No stack trace: it is an outcome, not a bug.
 */
final class AttemptFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;

    AttemptFailure(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }
}
