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
    /** The client had too many attempts waiting for a connection to the origin: nothing was sent. */
    public static final String POOL_FULL = "POOL_FULL";
    /** The client was closing: the attempt was cut short, the receiver may or may not have it. */
    public static final String CLIENT_CLOSED = "CLIENT_CLOSED";

    /**
     * Whether the attempt ended on this side for a reason of our own (backpressure, shutdown), not
     * the receiver's: it does not count against the delivery's attempts, nor against the endpoint.
     */
    public boolean notMade() {
        return POOL_FULL.equals(errorCode) || CLIENT_CLOSED.equals(errorCode);
    }

    /** Whether the receiver took the delivery. */
    public boolean delivered() {
        return errorCode == null;
    }
}
