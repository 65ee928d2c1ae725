package com.motioness.edge.webhook;

/**
 * What one attempt came to.
 *
 * @param status the HTTP status received, or 0 when none was
 * @param errorCode null when delivered (a 2xx), else {@code HTTP_<status>}, {@code TIMEOUT},
 *     {@code CONNECT_REFUSED}, {@code CONNECT_TIMEOUT}, {@code CONNECTION_RESET}, {@code TLS},
 *     {@code DNS} or {@code BLOCKED_ADDRESS}
 * @param errorMsg a short human-readable cause, null when delivered
 * @param latencyNanos from the start of the attempt to its outcome
 */
public record AttemptResult(int status, String errorCode, String errorMsg, long latencyNanos) {

    /** Whether the receiver took the delivery. */
    public boolean delivered() {
        return errorCode == null;
    }
}
