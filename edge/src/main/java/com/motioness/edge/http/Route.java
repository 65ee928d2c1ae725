package com.motioness.edge.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * The routes of the edge, matched on the decoded path. Path ids are then checked with
 * {@link com.motioness.protocol.AssetEvent#isValidId}, so nothing else reaches the log.
 */
final class Route {
    static final String DASHBOARD_PREFIX = "/dashboard/";
    /** HEAD wherever GET is: RFC 9110 section 9.1 asks it of every general-purpose server. */
    private static final String STREAM_METHODS = "GET, HEAD, OPTIONS";

    private static final String FILE_METHODS = "GET, HEAD";
    private static final String WEBHOOKS = "webhooks";
    private static final String DEAD_LETTERS = "dead-letters";
    private static final String REDELIVER = "redeliver";

    enum Kind {
        /** {@code GET /v1/{projectKey}/events/{assetId}}: one asset, opened by a project key. */
        PUBLIC_ASSET(STREAM_METHODS),
        /** {@code GET /api/assets/{id}/events}: one asset, opened by a session cookie. */
        SESSION_ASSET(STREAM_METHODS),
        /** {@code GET /api/projects/{id}/activity}: every asset of a project, by session cookie. */
        PROJECT_ACTIVITY(STREAM_METHODS),
        /** {@code POST /internal/events}: producers append events; the one route that reads a body. */
        INGEST("POST"),
        /** {@code GET /dashboard/{file}}: the dashboard page's static files; {@code id} is the file name. */
        DASHBOARD(FILE_METHODS),
        /** {@code GET /dashboard}: redirected to {@code /dashboard/}, the base its relative URLs need. */
        DASHBOARD_BASE(FILE_METHODS),
        /** {@code /internal/projects/{id}/webhooks}: list (GET) or create (POST) a project's endpoints. */
        WEBHOOKS("GET, HEAD, POST"),
        /** {@code /internal/projects/{id}/webhooks/{item}}: read, enable or disable (PATCH), delete one. */
        WEBHOOK("GET, HEAD, PATCH, DELETE"),
        /** {@code /internal/projects/{id}/webhooks/{item}/rotate}: a new signing secret. */
        WEBHOOK_ROTATE("POST"),
        /** {@code /internal/projects/{id}/webhooks/dead-letters}: the project's dead letters, oldest first. */
        DEAD_LETTERS(FILE_METHODS),
        /** {@code /internal/projects/{id}/webhooks/dead-letters/{item}/redeliver}: one sent again. */
        DEAD_LETTER_REDELIVER("POST"),
        /** {@code /internal/projects/{id}/webhooks/dead-letters/redeliver}: all of them sent again. */
        DEAD_LETTERS_REDELIVER("POST");

        /** The methods the route answers, as a 405's {@code Allow} lists them. */
        final String allow;

        private final List<String> methods;

        Kind(String allow) {
            this.allow = allow;
            this.methods = List.of(allow.split(", "));
        }

        boolean allows(HttpMethod method) {
            return methods.contains(method.name());
        }

        /**
         * Only ingest and the webhook API's writes (create, PATCH, rotate) read a request body; a
         * body sent anywhere else is refused.
         */
        boolean takesBody(HttpMethod method) {
            return switch (this) {
                case INGEST -> true;
                case WEBHOOKS, WEBHOOK_ROTATE -> method.equals(HttpMethod.POST);
                case WEBHOOK -> method.equals(HttpMethod.PATCH);
                default -> false;
            };
        }

        /** A route of the webhook endpoint API: the bearer ingest token opens it. */
        boolean isWebhookApi() {
            return compareTo(WEBHOOKS) >= 0;
        }

        boolean isStream() {
            return this == PUBLIC_ASSET || this == SESSION_ASSET || this == PROJECT_ACTIVITY;
        }
    }

    final Kind kind;
    /** The project key of {@link Kind#PUBLIC_ASSET}, else null. */
    final String projectKey;
    /** The asset or project id of the path, the file name of {@link Kind#DASHBOARD}, else null. */
    final String id;
    /** The endpoint id, or the dead letter's message id, of a webhook API route; else null. */
    final String item;

    private Route(Kind kind, String projectKey, String id) {
        this(kind, projectKey, id, null);
    }

    private Route(Kind kind, String projectKey, String id, String item) {
        this.kind = kind;
        this.projectKey = projectKey;
        this.id = id;
        this.item = item;
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
        if (parts.length >= 5
                && parts[0].isEmpty()
                && parts[1].equals("internal")
                && parts[2].equals("projects")
                && parts[4].equals(WEBHOOKS)) {
            return webhookApi(parts);
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

    /** The webhook API's routes under {@code /internal/projects/{id}/webhooks}; null for any other path there. */
    private static Route webhookApi(String[] parts) {
        String project = parts[3];
        boolean deadLetters = parts.length > 5 && parts[5].equals(DEAD_LETTERS);
        return switch (parts.length) {
            case 5 -> new Route(Kind.WEBHOOKS, null, project);
            case 6 -> deadLetters ? new Route(Kind.DEAD_LETTERS, null, project) : item(Kind.WEBHOOK, project, parts[5]);
            case 7 ->
                deadLetters
                        ? parts[6].equals(REDELIVER) ? new Route(Kind.DEAD_LETTERS_REDELIVER, null, project) : null
                        : parts[6].equals("rotate") ? item(Kind.WEBHOOK_ROTATE, project, parts[5]) : null;
            case 8 ->
                deadLetters && parts[7].equals(REDELIVER) ? item(Kind.DEAD_LETTER_REDELIVER, project, parts[6]) : null;
            default -> null;
        };
    }

    private static Route item(Kind kind, String project, String item) {
        return item.isEmpty() ? null : new Route(kind, null, project, item);
    }
}
