package com.motioness.edge.http;

import io.netty.util.AsciiString;

/** Header names and values the edge writes, as ASCII constants. */
final class HttpNames {
    static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
    static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
    static final AsciiString CACHE_CONTROL = AsciiString.cached("Cache-Control");
    static final AsciiString CONNECTION = AsciiString.cached("Connection");
    static final AsciiString TRANSFER_ENCODING = AsciiString.cached("Transfer-Encoding");
    static final AsciiString X_ACCEL_BUFFERING = AsciiString.cached("X-Accel-Buffering");
    static final AsciiString RETRY_AFTER = AsciiString.cached("Retry-After");
    static final AsciiString ALLOW = AsciiString.cached("Allow");
    static final AsciiString VARY = AsciiString.cached("Vary");
    static final AsciiString WWW_AUTHENTICATE = AsciiString.cached("WWW-Authenticate");
    static final AsciiString ACCESS_CONTROL_ALLOW_ORIGIN = AsciiString.cached("Access-Control-Allow-Origin");
    static final AsciiString ACCESS_CONTROL_ALLOW_CREDENTIALS = AsciiString.cached("Access-Control-Allow-Credentials");
    static final AsciiString ACCESS_CONTROL_ALLOW_METHODS = AsciiString.cached("Access-Control-Allow-Methods");
    static final AsciiString ACCESS_CONTROL_ALLOW_HEADERS = AsciiString.cached("Access-Control-Allow-Headers");
    static final AsciiString ACCESS_CONTROL_EXPOSE_HEADERS = AsciiString.cached("Access-Control-Expose-Headers");
    static final AsciiString ACCESS_CONTROL_MAX_AGE = AsciiString.cached("Access-Control-Max-Age");
    /** Set on a stream whose replay misses events that retention dropped. */
    static final AsciiString REPLAY_TRUNCATED = AsciiString.cached("X-Motioness-Replay-Truncated");
    /** Set on a stream whose client sent a cursor past the stream's end; the body says where it resumes. */
    static final AsciiString CURSOR_AHEAD = AsciiString.cached("X-Motioness-Cursor-Ahead");

    static final AsciiString LAST_EVENT_ID = AsciiString.cached("Last-Event-ID");
    /** A producer's name for an ingest batch: a retry with it stores nothing (IETF draft-ietf-httpapi-idempotency-key-header). */
    static final AsciiString IDEMPOTENCY_KEY = AsciiString.cached("Idempotency-Key");
    /** On an ingest answer that repeats an earlier one: nothing was stored this time. */
    static final AsciiString IDEMPOTENT_REPLAYED = AsciiString.cached("Idempotent-Replayed");

    static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream; charset=utf-8");
    static final AsciiString JSON = AsciiString.cached("application/json; charset=utf-8");
    /** no-transform: a proxy must not compress or rewrite the stream (it would buffer it). */
    static final AsciiString NO_CACHE = AsciiString.cached("no-cache, no-transform");

    static final AsciiString NO_STORE = AsciiString.cached("no-store");

    private HttpNames() {}
}
