package com.motioness.edge.fanout;

import java.util.Locale;

/** Why a stream ended; logged and counted. */
public enum EndReason {
    /** The client went away. */
    CLIENT,
    /** The stream reached its maximum duration; the client resumes from its cursor. */
    CAP,
    /** The asset reached ready, failed or cancelled. */
    TERMINAL,
    /** The client read too slowly and its write buffer stayed over the high-water mark. */
    SLOW_CONSUMER,
    /** The session or key that opened it was revoked or expired. */
    AUTH,
    /** The node is draining (SIGTERM): the client resumes on another node from its cursor. */
    DRAIN,
    /** The server closed at once, without a drain (or a drain's leftovers when it stopped). */
    SHUTDOWN,
    /** The log failed while the stream was replaying. */
    ERROR;

    private static final EndReason[] ALL = values();
    private final String label = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used as a metric label and in the access log. */
    public String label() {
        return label;
    }

    static EndReason[] all() {
        return ALL;
    }
}
