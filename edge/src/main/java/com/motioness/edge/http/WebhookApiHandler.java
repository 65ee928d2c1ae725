package com.motioness.edge.http;

import com.motioness.edge.webhook.store.WebhookEndpoints;
import com.motioness.edge.webhook.store.WebhookRefusal;
import com.motioness.protocol.AssetEvent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook endpoint API under {@code /internal/projects/{id}/webhooks}: checks a request's head
 * ({@link #acceptsHead}, called by the router: webhooks on, the bearer ingest token, the project
 * id), then, behind its {@link RouteBodyAggregator}, reads the JSON body, asks the
 * {@link WebhookEndpoints} registry and answers on the connection's loop. An endpoint is only ever
 * found under its own project's path: another project's id answers 404 like a missing one.
 */
final class WebhookApiHandler extends FullRequestHandler {
    /** The largest request body of the API. */
    static final int MAX_BODY_BYTES = 16 * 1024;
    /** Dead letters listed when the request names no {@code limit}. */
    static final int DEFAULT_LIMIT = 100;
    /** The most dead letters one list may ask for. */
    static final int MAX_LIMIT = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookApiHandler.class);

    private final EdgeServices services;
    /** The route of the request whose body the aggregator is reading. */
    private Route route;
    /** Its query ({@code ?limit=}). */
    private QueryStringDecoder uri;

    WebhookApiHandler(EdgeServices services, Http1Connection connection) {
        super(connection);
        this.services = services;
    }

    /**
     * Checks a webhook API request's head; a request refused here is answered at once.
     *
     * @param keepAlive whether an answer given before the body is read may keep the connection
     * @return true when its body is to be read, then the request answered by {@link #handle}
     */
    boolean acceptsHead(HttpRequest request, Route route, QueryStringDecoder uri, boolean keepAlive) {
        if (services.webhooks == null) {
            answer(
                    ApiError.of(
                            HttpResponseStatus.NOT_FOUND,
                            "webhooks_disabled",
                            "webhooks are off on this node: start the edge with --webhooks"),
                    keepAlive);
            return false;
        }
        if (!BearerToken.admits(
                services,
                connection,
                request,
                keepAlive,
                "the webhook API takes the ingest token: start the edge with --ingest-token")) {
            return false;
        }
        if (!AssetEvent.isValidId(route.id)) {
            answer(
                    ApiError.of(
                            HttpResponseStatus.BAD_REQUEST,
                            "invalid_id",
                            "project id must be 1-128 characters of A-Z a-z 0-9 . _ : ~ -"),
                    keepAlive);
            return false;
        }
        this.route = route;
        this.uri = uri;
        return true;
    }

    @Override
    void handle(FullHttpRequest request) {
        serve(request, HttpUtil.isKeepAlive(request));
    }

    private void serve(FullHttpRequest request, boolean keepAlive) {
        WebhookEndpoints webhooks = services.webhooks;
        String project = route.id;
        String item = route.item;
        HttpMethod method = request.method();
        boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        try {
            switch (route.kind) {
                case WEBHOOKS -> {
                    if (read) {
                        reply(webhooks.list(project), HttpResponseStatus.OK, WebhookJson::endpoints, keepAlive);
                    } else {
                        WebhookJson.Creation creation = WebhookJson.creation(request.content());
                        reply(
                                webhooks.create(project, creation.url(), creation.eventTypes()),
                                HttpResponseStatus.CREATED,
                                endpoint -> WebhookJson.endpoint(endpoint, true),
                                keepAlive);
                    }
                }
                case WEBHOOK -> {
                    if (read) {
                        reply(
                                webhooks.get(project, item),
                                HttpResponseStatus.OK,
                                endpoint -> WebhookJson.endpoint(endpoint, false),
                                keepAlive);
                    } else if (method.equals(HttpMethod.PATCH)) {
                        reply(
                                webhooks.setEnabled(project, item, WebhookJson.enabled(request.content())),
                                HttpResponseStatus.OK,
                                endpoint -> WebhookJson.endpoint(endpoint, false),
                                keepAlive);
                    } else {
                        reply(webhooks.delete(project, item), HttpResponseStatus.NO_CONTENT, null, keepAlive);
                    }
                }
                case WEBHOOK_ROTATE ->
                    reply(
                            webhooks.rotate(project, item, WebhookJson.grace(request.content())),
                            HttpResponseStatus.OK,
                            WebhookJson::rotation,
                            keepAlive);
                case DEAD_LETTERS ->
                    reply(
                            webhooks.deadLetters(project, limit()),
                            HttpResponseStatus.OK,
                            WebhookJson::deadLetters,
                            keepAlive);
                case DEAD_LETTER_REDELIVER ->
                    reply(
                            webhooks.redeliver(project, item),
                            HttpResponseStatus.ACCEPTED,
                            done -> WebhookJson.redelivered(1),
                            keepAlive);
                case DEAD_LETTERS_REDELIVER ->
                    reply(
                            webhooks.redeliverAll(project),
                            HttpResponseStatus.ACCEPTED,
                            WebhookJson::redelivered,
                            keepAlive);
                default -> throw new IllegalStateException("not a webhook API route: " + route.kind);
            }
        } catch (WebhookJson.BadBody bad) {
            answer(bad.error(), keepAlive);
        } catch (BadLimit bad) {
            answer(
                    ApiError.of(
                            HttpResponseStatus.BAD_REQUEST,
                            "invalid_limit",
                            "limit must be a whole number from 1 to " + MAX_LIMIT),
                    keepAlive);
        }
    }

    /** {@code ?limit=} of the dead-letter list. */
    private int limit() throws BadLimit {
        List<String> values = uri.parameters().get("limit");
        if (values == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = values.size() == 1 ? Integer.parseInt(values.get(0)) : -1;
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // Answered below, as any other bad limit.
        }
        throw new BadLimit();
    }

    private static final class BadLimit extends Exception {
        private static final long serialVersionUID = 1L;

        BadLimit() {
            super(null, null, false, false);
        }
    }

    @FunctionalInterface
    private interface Body<T> {
        byte[] of(T value);
    }

    /** Answers once {@code pending} completes: {@code status} with the body, or the refusal. */
    private <T> void reply(CompletableFuture<T> pending, HttpResponseStatus status, Body<T> body, boolean keepAlive) {
        connection.completeOnLoop(pending, (value, error) -> {
            if (error != null) {
                answer(failure(error), keepAlive);
            } else if (body == null) {
                Responses.empty(connection.channel(), status, keepAlive, head -> {});
                connection.answered(keepAlive);
            } else {
                Responses.json(
                        connection.channel(),
                        status,
                        body.of(value),
                        CorsPolicy.NONE,
                        null,
                        keepAlive,
                        null,
                        connection.answeringHead());
                connection.answered(keepAlive);
            }
        });
    }

    private static ApiError failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof WebhookRefusal refusal) {
            return ApiError.of(status(refusal.kind()), refusal.kind().code(), refusal.getMessage());
        }
        if (cause instanceof io.lettuce.core.RedisException || cause instanceof TimeoutException) {
            LOG.warn("the webhook store did not answer: {}", cause.toString());
            return ApiError.of(
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the webhook store did not answer; try again");
        }
        LOG.error("a webhook API request failed", cause);
        return ApiError.of(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error", "the request failed");
    }

    private static HttpResponseStatus status(WebhookRefusal.Kind kind) {
        return switch (kind) {
            case ENDPOINT_NOT_FOUND, DEAD_LETTER_NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case TOO_MANY_ENDPOINTS -> HttpResponseStatus.CONFLICT;
            default -> HttpResponseStatus.BAD_REQUEST;
        };
    }

    private void answer(ApiError error, boolean keepAlive) {
        connection.answer(error, CorsPolicy.NONE, null, keepAlive);
    }
}
