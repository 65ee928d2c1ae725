package com.motioness.edge.fanout;

import java.util.Locale;

/** Which endpoint opened a stream: the label of its metrics and its access-log line. */
public enum StreamRoute {
    /** {@code GET /v1/{projectKey}/events/{assetId}}. */
    PUBLIC_ASSET,
    /** {@code GET /api/assets/{id}/events}. */
    SESSION_ASSET,
    /** {@code GET /api/projects/{id}/activity}. */
    PROJECT_ACTIVITY;

    private static final StreamRoute[] ALL = values();
    private final String label = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used as a metric label and in the access log. */
    public String label() {
        return label;
    }

    static StreamRoute[] all() {
        return ALL;
    }
}
