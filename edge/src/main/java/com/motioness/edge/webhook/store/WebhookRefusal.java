package com.motioness.edge.webhook.store;

import java.util.Locale;

/**
 * Why the registry refused a request: a bad URL, a refused target, an unknown event type, the cap,
 * or an endpoint or dead letter the project does not have. The API answers each with its own
 * status and {@link Kind#code()}; the message never contains a secret.
 */
public final class WebhookRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What was refused; {@link #code()} is the API's {@code error}. */
    public enum Kind {
        INVALID_URL,
        FORBIDDEN_TARGET,
        INVALID_EVENT_TYPE,
        INVALID_REQUEST,
        TOO_MANY_ENDPOINTS,
        ENDPOINT_NOT_FOUND,
        DEAD_LETTER_NOT_FOUND;

        /** The error code the API answers, e.g. {@code invalid_url}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;

    public WebhookRefusal(Kind kind, String message) {
        // No stack trace: a refusal is an answer, not a fault.
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
