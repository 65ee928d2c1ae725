package com.motioness.edge.http;

import static com.motioness.edge.http.ApiError.abbreviate;

import com.motioness.edge.auth.Principal;
import com.motioness.edge.fanout.StreamRoute;
import com.motioness.edge.limits.StreamLimits;
import com.motioness.edge.log.StreamRef;
import com.motioness.edge.metrics.RequestCounters.AuthFailure;
import com.motioness.edge.metrics.RequestCounters.Limit;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AsciiString;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream routes' own checks, from a request's head to a {@link StreamRequest} handed to the
 * {@link StreamHandler}: a CORS preflight, the Origin, the rate of new streams from the client,
 * the id, the cursor and the feed's tail; then the project key, or the session (and, for the
 * activity feed, the user's membership), each awaited on the connection's loop.
 */
final class StreamRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRoutes.class);
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
    private static final CompletableFuture<Boolean> YES = CompletableFuture.completedFuture(true);
    /** The project already checked: the activity stream is the project itself. */
    private static final Function<String, CompletableFuture<Boolean>> ALLOWED = project -> YES;

    private final EdgeServices services;
    private final Http1Connection connection;

    StreamRoutes(EdgeServices services, Http1Connection connection) {
        this.services = services;
        this.connection = connection;
    }

    /** @param keepAlive whether the client asked to keep the connection */
    void onRequest(
            Channel channel,
            HttpRequest request,
            QueryStringDecoder uri,
            Route route,
            CorsPolicy cors,
            String origin,
            boolean keepAlive) {
        if (request.method().equals(HttpMethod.OPTIONS)) {
            onPreflight(channel, cors, origin, keepAlive);
            return;
        }
        // HTTP/1.0 has no chunks, and HTTP/2 frames the body itself: both write the bare SSE bytes.
        boolean chunked =
                !request.protocolVersion().equals(HttpVersion.HTTP_1_0) && !(channel instanceof Http2StreamChannel);
        HttpStreamResponder responder =
                new HttpStreamResponder(connection, cors, origin, services.retryMillis, chunked, keepAlive);
        if (!cors.allows(origin)) {
            services.counters.authFailure(AuthFailure.ORIGIN);
            responder.refuse(
                    ApiError.of(
                            HttpResponseStatus.FORBIDDEN,
                            "origin_not_allowed",
                            "origin " + abbreviate(origin) + " may not read this stream"),
                    0,
                    false);
            return;
        }
        String client = services.limits
                .addresses()
                .clientOf(channel.remoteAddress(), request.headers().get(X_FORWARDED_FOR));
        long wait = services.limits.newStreamWait(client);
        if (wait > 0) {
            services.counters.limitRejected(Limit.NEW_STREAMS);
            responder.refuse(
                    ApiError.of(
                            HttpResponseStatus.TOO_MANY_REQUESTS,
                            "too_many_new_streams",
                            "too many new streams from " + client + "; retry after " + wait + " s"),
                    wait,
                    false);
            return;
        }
        if (!AssetEvent.isValidId(route.id)) {
            String what = route.kind == Route.Kind.PROJECT_ACTIVITY ? "project id" : "asset id";
            responder.refuse(
                    ApiError.of(
                            HttpResponseStatus.BAD_REQUEST,
                            "invalid_id",
                            what + " must be 1-128 characters of A-Z a-z 0-9 . _ : ~ -"),
                    0,
                    false);
            return;
        }
        EventId cursor;
        try {
            cursor = StreamQuery.cursorOf(request, uri);
        } catch (StreamQuery.ConflictingCursorException e) {
            responder.refuse(
                    ApiError.of(HttpResponseStatus.BAD_REQUEST, "conflicting_cursor", e.getMessage()), 0, false);
            return;
        } catch (IllegalArgumentException e) {
            responder.refuse(ApiError.of(HttpResponseStatus.BAD_REQUEST, "malformed_cursor", e.getMessage()), 0, false);
            return;
        }
        int tail;
        try {
            tail = route.kind == Route.Kind.PROJECT_ACTIVITY ? StreamQuery.feedTailOf(uri, services.feedTailMax) : 0;
        } catch (IllegalArgumentException e) {
            responder.refuse(ApiError.of(HttpResponseStatus.BAD_REQUEST, "invalid_tail", e.getMessage()), 0, false);
            return;
        }
        Asked asked = new Asked(channel, route, cursor, tail, client, connection.answeringHead(), responder);
        if (route.kind == Route.Kind.PUBLIC_ASSET) {
            connection.completeOnLoop(
                    services.projectKeys.projectOf(route.projectKey),
                    (project, error) -> onProjectKey(asked, project, error));
        } else {
            connection.completeOnLoop(
                    services.sessions.authenticate(request.headers()), (user, error) -> onSession(asked, user, error));
        }
    }

    private void onProjectKey(Asked asked, String project, Throwable error) {
        Route route = asked.route();
        if (error != null) {
            LOG.warn("project key lookup failed: {}", error.toString());
            asked.responder()
                    .refuse(
                            ApiError.of(
                                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                                    "unavailable",
                                    "project key registry unavailable"),
                            0,
                            true);
        } else if (project == null) {
            services.counters.authFailure(AuthFailure.UNKNOWN_KEY);
            asked.responder()
                    .refuse(
                            ApiError.of(
                                    HttpResponseStatus.UNAUTHORIZED,
                                    "unknown_project_key",
                                    "the project key in the path is not valid"),
                            0,
                            false);
        } else {
            open(asked, StreamRef.asset(route.id, project), services.keyAccesses.of(route.projectKey, project));
        }
    }

    private void onSession(Asked asked, Principal user, Throwable error) {
        Route route = asked.route();
        if (error != null) {
            LOG.warn("session lookup failed: {}", error.toString());
            asked.responder()
                    .refuse(
                            ApiError.of(
                                    HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", "session store unavailable"),
                            0,
                            true);
        } else if (user == null) {
            services.counters.authFailure(AuthFailure.NO_SESSION);
            asked.responder()
                    .refuse(
                            ApiError.of(
                                    HttpResponseStatus.UNAUTHORIZED,
                                    "unauthenticated",
                                    "a valid better-auth.session_token cookie is required"),
                            0,
                            false);
        } else if (route.kind == Route.Kind.PROJECT_ACTIVITY) {
            connection.completeOnLoop(user.mayRead(route.id), (member, lookupError) -> {
                if (lookupError != null) {
                    LOG.warn("membership lookup failed: {}", lookupError.toString());
                    asked.responder()
                            .refuse(
                                    ApiError.of(
                                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                                            "unavailable",
                                            "membership store unavailable"),
                                    0,
                                    true);
                } else if (!member) {
                    services.counters.authFailure(AuthFailure.NOT_MEMBER);
                    asked.responder()
                            .refuse(
                                    ApiError.of(
                                            HttpResponseStatus.FORBIDDEN,
                                            "forbidden",
                                            "this user may not read project " + route.id),
                                    0,
                                    false);
                } else {
                    open(asked, StreamRef.project(route.id), sessionAccess(user, ALLOWED));
                }
            });
        } else {
            open(asked, StreamRef.asset(route.id), sessionAccess(user, user::mayRead));
        }
    }

    private StreamAccess sessionAccess(Principal user, Function<String, CompletableFuture<Boolean>> mayRead) {
        return new StreamAccess(
                StreamLimits.Kind.USER, user.userId(), mayRead, services.sessionRecheck, user::stillSignedIn);
    }

    private void onPreflight(Channel channel, CorsPolicy cors, String origin, boolean keepAlive) {
        if (origin == null || !cors.allows(origin)) {
            services.counters.authFailure(AuthFailure.ORIGIN);
            connection.answer(
                    ApiError.of(
                            HttpResponseStatus.FORBIDDEN,
                            "origin_not_allowed",
                            "origin " + abbreviate(origin) + " may not read this stream"),
                    cors,
                    origin,
                    keepAlive);
            return;
        }
        Responses.empty(channel, HttpResponseStatus.NO_CONTENT, keepAlive, head -> cors.writePreflight(head, origin));
        connection.answered(keepAlive);
    }

    /** Hands the request, now that its caller is known, to the stream handler. */
    private void open(Asked asked, StreamRef stream, StreamAccess access) {
        StreamRoute route = switch (asked.route().kind) {
            case PUBLIC_ASSET -> StreamRoute.PUBLIC_ASSET;
            case SESSION_ASSET -> StreamRoute.SESSION_ASSET;
            default -> StreamRoute.PROJECT_ACTIVITY;
        };
        StreamHandler.open(
                asked.channel(),
                services,
                new StreamRequest(
                        stream, asked.cursor(), asked.tail(), route, asked.client(), asked.headOnly(), access),
                asked.responder());
    }

    /** What a stream request asks, known before its caller is authenticated. */
    private record Asked(
            Channel channel,
            Route route,
            EventId cursor,
            int tail,
            String client,
            boolean headOnly,
            HttpStreamResponder responder) {}
}
