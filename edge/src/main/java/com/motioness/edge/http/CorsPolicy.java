package com.motioness.edge.http;

import java.util.Set;

/**
 * Cross-origin rules of one family of routes. The public route answers any origin without
 * credentials; the cookie routes answer only configured origins, with credentials, and never
 * reflect an arbitrary Origin.
 */
abstract class CorsPolicy {
    static final String ALLOW_METHODS = "GET, OPTIONS";
    /** EventSource sends Last-Event-ID; fetch-based clients may also send these. */
    static final String ALLOW_HEADERS = "Last-Event-ID, Cache-Control, Accept";

    static final String EXPOSE_HEADERS = HttpNames.REPLAY_TRUNCATED + ", " + HttpNames.CURSOR_AHEAD;
    static final String MAX_AGE = "86400";

    /** Whether a request with this Origin (null: none, as from curl) may be served. */
    abstract boolean allows(String origin);

    /** Adds the CORS headers of an actual response. */
    abstract void writeHeaders(ResponseHead head, String origin);

    /** Adds the headers of a preflight answer; call only when {@link #allows} is true. */
    final void writePreflight(ResponseHead head, String origin) {
        writeHeaders(head, origin);
        head.header(HttpNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
                .header(HttpNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
                .header(HttpNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE);
    }

    /** Any origin, no credentials: the project-key route. */
    static final CorsPolicy PUBLIC = new CorsPolicy() {
        @Override
        boolean allows(String origin) {
            return true;
        }

        @Override
        void writeHeaders(ResponseHead head, String origin) {
            head.header(HttpNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                    .header(HttpNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS);
        }
    };

    /** No cross-origin access at all: internal routes. */
    static final CorsPolicy NONE = new CorsPolicy() {
        @Override
        boolean allows(String origin) {
            return true;
        }

        @Override
        void writeHeaders(ResponseHead head, String origin) {}
    };

    /** Only the given origins, with credentials: the session-cookie routes. */
    static CorsPolicy credentialed(Set<String> origins) {
        return new CorsPolicy() {
            @Override
            boolean allows(String origin) {
                return origin == null || origins.contains(origin);
            }

            @Override
            void writeHeaders(ResponseHead head, String origin) {
                // The answer depends on Origin: caches must key on it.
                head.header(HttpNames.VARY, "Origin");
                if (origin != null && origins.contains(origin)) {
                    head.header(HttpNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                            .header(HttpNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                            .header(HttpNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS);
                }
            }
        };
    }
}
