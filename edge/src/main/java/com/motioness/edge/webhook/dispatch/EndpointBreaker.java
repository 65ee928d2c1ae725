package com.motioness.edge.webhook.dispatch;

/**
 * The circuit breaker of one endpoint in this process. After {@code threshold} consecutive failed
 * attempts the endpoint is parked for a cool-down; jobs that come due meanwhile are held (their
 * attempt count unchanged). When the cool-down ends the next attempt is the probe, and others are
 * held until its outcome: a success closes the breaker, a failure parks the endpoint again for
 * twice as long (up to the maximum). Used by the dispatcher's thread alone.
 */
final class EndpointBreaker {
    private enum State {
        CLOSED,
        PARKED,
        PROBING
    }

    private final int threshold;
    private final long firstCoolDownMs;
    private final long maxCoolDownMs;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long coolDownMs;
    private long parkedUntilMs;

    EndpointBreaker(int threshold, long firstCoolDownMs, long maxCoolDownMs) {
        this.threshold = threshold;
        this.firstCoolDownMs = firstCoolDownMs;
        this.maxCoolDownMs = maxCoolDownMs;
        this.coolDownMs = firstCoolDownMs;
    }

    /**
     * Until when an attempt due now must wait, or 0 when it may go (then it has started: a parked
     * endpoint whose cool-down ended takes it as its probe).
     */
    long holdOrStart(long nowMs) {
        switch (state) {
            case PARKED -> {
                if (nowMs < parkedUntilMs) {
                    return parkedUntilMs;
                }
                state = State.PROBING;
                return 0;
            }
            case PROBING -> {
                // A probe is out: the others wait about as long as a cool-down, then look again.
                return nowMs + Math.max(1, coolDownMs);
            }
            default -> {
                return 0;
            }
        }
    }

    /** Whether the attempt that just started is the probe. */
    boolean probing() {
        return state == State.PROBING;
    }

    /**
     * The probe was never sent (our own backpressure, not the receiver's doing): the next attempt
     * probes instead, rather than every job waiting on an outcome that will not come.
     */
    void probeNotMade(long nowMs) {
        if (state == State.PROBING) {
            state = State.PARKED;
            parkedUntilMs = nowMs;
        }
    }

    /** Records an attempt's outcome. */
    void record(boolean delivered, long nowMs) {
        if (delivered) {
            state = State.CLOSED;
            consecutiveFailures = 0;
            coolDownMs = firstCoolDownMs;
            return;
        }
        consecutiveFailures++;
        if (state == State.PROBING) {
            coolDownMs = Math.min(maxCoolDownMs, coolDownMs * 2);
            park(nowMs);
        } else if (state == State.CLOSED && consecutiveFailures >= threshold) {
            park(nowMs);
        }
    }

    private void park(long nowMs) {
        state = State.PARKED;
        parkedUntilMs = nowMs + coolDownMs;
    }

    /** Whether the endpoint is parked or probing. */
    boolean parked() {
        return state != State.CLOSED;
    }
}
