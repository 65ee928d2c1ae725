package com.motioness.edge.http;

/**
 * The routes of the edge, matched on the decoded path. Path ids are then checked with
 * {@link com.motioness.protocol.AssetEvent#isValidId}, so nothing else reaches the log.
 */
final class Route {
    static final String DASHBOARD_PREFIX = "/dashboard/";

    enum Kind {
        /** {@code GET /v1/{projectKey}/events/{assetId}}: one asset, opened by a project key. */
        PUBLIC_ASSET,
        /** {@code GET /api/assets/{id}/events}: one asset, opened by a session cookie. */
        SESSION_ASSET,
        /** {@code GET /api/projects/{id}/activity}: every asset of a project, by session cookie. */
        PROJECT_ACTIVITY,
        /** {@code POST /internal/events}: producers append events. */
        INGEST,
        /** {@code GET /dashboard/{file}}: the dashboard page's static files; {@code id} is the file name. */
        DASHBOARD,
        /** {@code GET /dashboard}: redirected to {@code /dashboard/}, the base its relative URLs need. */
        DASHBOARD_BASE
    }

    final Kind kind;
    /** The project key of {@link Kind#PUBLIC_ASSET}, else null. */
    final String projectKey;
    /** The asset or project id of the path, the file name of {@link Kind#DASHBOARD}, else null. */
    final String id;

    private Route(Kind kind, String projectKey, String id) {
        this.kind = kind;
        this.projectKey = projectKey;
        this.id = id;
    }

    /** @return the route, or null when no route has this path */
    static Route match(String path) {
        String[] parts = path.split("/", -1);
        // A path always starts with "/", so parts[0] is the empty string before it.
        if (parts.length == 5 && parts[0].isEmpty() && parts[1].equals("v1") && parts[3].equals("events")) {
            return new Route(Kind.PUBLIC_ASSET, parts[2], parts[4]);
        }
        if (parts.length == 5 && parts[0].isEmpty() && parts[1].equals("api")) {
            if (parts[2].equals("assets") && parts[4].equals("events")) {
                return new Route(Kind.SESSION_ASSET, null, parts[3]);
            }
            if (parts[2].equals("projects") && parts[4].equals("activity")) {
                return new Route(Kind.PROJECT_ACTIVITY, null, parts[3]);
            }
        }
        if (path.equals("/internal/events")) {
            return new Route(Kind.INGEST, null, null);
        }
        if (path.startsWith(DASHBOARD_PREFIX)) {
            // The rest is looked up as is in a fixed list of names: "../x" or "a/b" simply match nothing.
            return new Route(Kind.DASHBOARD, null, path.substring(DASHBOARD_PREFIX.length()));
        }
        if (path.equals("/dashboard")) {
            return new Route(Kind.DASHBOARD_BASE, null, null);
        }
        return null;
    }
}
