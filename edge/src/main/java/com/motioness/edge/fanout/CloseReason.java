package com.motioness.edge.fanout;

/** Why a stream ended; logged and counted. */
public enum CloseReason {
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
    /** The server is shutting down. */
    SHUTDOWN,
    /** The log failed while the stream was replaying. */
    ERROR
}
