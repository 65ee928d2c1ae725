package com.motioness.edge.http;

import com.motioness.edge.auth.Principal;
import com.motioness.edge.fanout.StreamRoute;
import com.motioness.edge.fanout.Subscription;
import com.motioness.edge.limits.StreamLimits;
import com.motioness.edge.log.LogUnavailableException;
import com.motioness.edge.log.StreamRef;
import com.motioness.edge.metrics.RequestCounters.AuthFailure;
import com.motioness.edge.metrics.RequestCounters.Limit;
import com.motioness.protocol.AssetEndedException;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.IdempotencyKeyReusedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request of one connection: opens SSE streams, takes ingest batches, and answers
 * everything else with a status and a JSON error. One instance per connection, on its loop.
 *
 * <p>A connection that opens a stream belongs to that stream until it ends; anything the client
 * sends after it is discarded. Requests that arrive while an asynchronous answer is pending
 * (pipelining) wait their turn, so answers keep the order of requests.
 */
final class EdgeRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeRequestHandler.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String BEARER = "Bearer ";
    private static final io.netty.util.AsciiString X_FORWARDED_FOR = io.netty.util.AsciiString.cached("X-Forwarded-For");
    private static final CompletableFuture<Boolean> YES = CompletableFuture.completedFuture(true);
    /** The project already checked: the activity stream is the project itself. */
    private static final Function<String, CompletableFuture<Boolean>> ALLOWED = project -> YES;
    /** Request parts (heads and body chunks) held while an answer is pending. */
    private static final int MAX_WAITING_MESSAGES = 256;

    private final EdgeServices services;
    private ScheduledFuture<?> requestTimeout;
    private boolean streaming;
    private Subscription subscription;
    private boolean awaitingAnswer;
    private ArrayDeque<Object> waiting;
    private ByteBuf ingestBody;
    private IdempotencyKey ingestKey;
    private boolean ingestKeepAlive;

    EdgeRequestHandler(EdgeServices services) {
        this.services = services;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        armRequestTimeout(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (streaming) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (awaitingAnswer) {
            if (waiting == null) {
                waiting = new ArrayDeque<>();
            }
            waiting.add(msg);
            if (waiting.size() > MAX_WAITING_MESSAGES) {
                // A client that pipelines without end gets cut, not buffered without bound.
                releaseWaiting();
                ctx.close();
            }
            return;
        }
        try {
            if (msg instanceof HttpRequest request) {
                onRequest(ctx, request);
            }
            if (msg instanceof HttpContent content) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            onMalformedRequest(ctx, result.cause());
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        QueryStringDecoder uri;
        try {
            uri = new QueryStringDecoder(request.uri());
            uri.path();
        } catch (IllegalArgumentException e) {
            answer(ctx, ApiError.of(HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed request target"),
                    CorsPolicy.NONE, origin, false);
            return;
        }
        Route route = Route.match(uri.path());
        if (route == null) {
            answer(ctx, ApiError.of(HttpResponseStatus.NOT_FOUND, "not_found", "no route for " + abbreviate(uri.path())),
                    CorsPolicy.NONE, origin, keepAlive);
            return;
        }
        if (route.kind == Route.Kind.INGEST) {
            onIngestRequest(ctx, request, keepAlive);
            return;
        }
        if (route.kind == Route.Kind.DASHBOARD || route.kind == Route.Kind.DASHBOARD_BASE) {
            onDashboardRequest(ctx, request, route, keepAlive);
            return;
        }
        CorsPolicy cors = route.kind == Route.Kind.PUBLIC_ASSET ? CorsPolicy.PUBLIC : services.cookieCors;
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.OPTIONS)) {
            onPreflight(ctx, cors, origin, keepAlive);
            return;
        }
        if (!method.equals(HttpMethod.GET)) {
            answerMethodNotAllowed(ctx, cors, origin, keepAlive, "GET, OPTIONS");
            return;
        }
        if (!cors.allows(origin)) {
            services.counters.authFailure(AuthFailure.ORIGIN);
            answer(ctx, ApiError.of(HttpResponseStatus.FORBIDDEN, "origin_not_allowed",
                    "origin " + abbreviate(origin) + " may not read this stream"), cors, origin, keepAlive);
            return;
        }
        String client = services.limits.addresses().clientOf(ctx.channel().remoteAddress(),
                request.headers().get(X_FORWARDED_FOR));
        long wait = services.limits.newStreamWait(client);
        if (wait > 0) {
            services.counters.limitRejected(Limit.NEW_STREAMS);
            Responses.error(ctx.channel(), ApiError.of(HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_new_streams",
                    "too many new streams from " + client + "; retry after " + wait + " s"), cors, origin, keepAlive,
                    head -> head.header(HttpNames.RETRY_AFTER, wait));
            afterAnswer(ctx, keepAlive);
            return;
        }
        if (!AssetEvent.isValidId(route.id)) {
            String what = route.kind == Route.Kind.PROJECT_ACTIVITY ? "project id" : "asset id";
            answer(ctx, ApiError.of(HttpResponseStatus.BAD_REQUEST, "invalid_id",
                    what + " must be 1-128 characters of A-Z a-z 0-9 . _ : ~ -"), cors, origin, keepAlive);
            return;
        }
        EventId cursor;
        try {
            cursor = cursorOf(request, uri);
        } catch (IllegalArgumentException e) {
            answer(ctx, ApiError.of(HttpResponseStatus.BAD_REQUEST, "malformed_cursor", e.getMessage()),
                    cors, origin, keepAlive);
            return;
        }
        int tail;
        try {
            tail = route.kind == Route.Kind.PROJECT_ACTIVITY ? feedTailOf(uri, services.feedTailMax) : 0;
        } catch (IllegalArgumentException e) {
            answer(ctx, ApiError.of(HttpResponseStatus.BAD_REQUEST, "invalid_tail", e.getMessage()),
                    cors, origin, keepAlive);
            return;
        }
        if (route.kind == Route.Kind.PUBLIC_ASSET) {
            awaitingAnswer = true;
            services.projectKeys.projectOf(route.projectKey).whenComplete((project, error) -> ctx.executor().execute(() -> {
                awaitingAnswer = false;
                if (!ctx.channel().isActive()) {
                    releaseWaiting();
                    return;
                }
                if (error != null) {
                    LOG.warn("project key lookup failed: {}", error.toString());
                    answer(ctx, ApiError.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                            "project key registry unavailable"), cors, origin, false);
                } else if (project == null) {
                    services.counters.authFailure(AuthFailure.UNKNOWN_KEY);
                    answer(ctx, ApiError.of(HttpResponseStatus.UNAUTHORIZED, "unknown_project_key",
                            "the project key in the path is not valid"), cors, origin, keepAlive);
                } else {
                    // A key revoked while its stream is open ends the stream at the next check.
                    openStream(ctx, request, StreamRef.asset(route.id, project), cursor,
                            owner -> CompletableFuture.completedFuture(owner.equals(project)), cors, origin,
                            services.keyRecheck, () -> services.projectKeys.projectOf(route.projectKey)
                                    .thenApply(project::equals),
                            client, StreamLimits.Kind.KEY, route.projectKey, StreamRoute.PUBLIC_ASSET, 0);
                }
                resumeWaiting(ctx);
            }));
            return;
        }
        awaitingAnswer = true;
        CompletableFuture<Principal> principal = services.sessions.authenticate(request.headers());
        principal.whenComplete((user, error) -> ctx.executor().execute(() -> {
            awaitingAnswer = false;
            if (!ctx.channel().isActive()) {
                releaseWaiting();
                return;
            }
            onAuthenticated(ctx, request, route, cursor, tail, cors, origin, keepAlive, user, error, client);
            resumeWaiting(ctx);
        }));
    }

    private void onAuthenticated(ChannelHandlerContext ctx, HttpRequest request, Route route, EventId cursor, int tail,
            CorsPolicy cors, String origin, boolean keepAlive, Principal user, Throwable error, String client) {
        if (error != null) {
            LOG.warn("session lookup failed: {}", error.toString());
            answer(ctx, ApiError.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "session store unavailable"), cors, origin, false);
            return;
        }
        if (user == null) {
            services.counters.authFailure(AuthFailure.NO_SESSION);
            answer(ctx, ApiError.of(HttpResponseStatus.UNAUTHORIZED, "unauthenticated",
                    "a valid better-auth.session_token cookie is required"), cors, origin, keepAlive);
            return;
        }
        if (route.kind == Route.Kind.PROJECT_ACTIVITY) {
            awaitingAnswer = true;
            user.mayRead(route.id).whenComplete((member, lookupError) -> ctx.executor().execute(() -> {
                awaitingAnswer = false;
                if (!ctx.channel().isActive()) {
                    releaseWaiting();
                } else if (lookupError != null) {
                    LOG.warn("membership lookup failed: {}", lookupError.toString());
                    answer(ctx, ApiError.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                            "membership store unavailable"), cors, origin, false);
                } else if (!member) {
                    services.counters.authFailure(AuthFailure.NOT_MEMBER);
                    answer(ctx, ApiError.of(HttpResponseStatus.FORBIDDEN, "forbidden",
                            "this user may not read project " + route.id), cors, origin, keepAlive);
                    resumeWaiting(ctx);
                } else {
                    openStream(ctx, request, StreamRef.project(route.id), cursor, ALLOWED, cors, origin,
                            services.sessionRecheck, user::stillSignedIn, client, StreamLimits.Kind.USER, user.userId(),
                            StreamRoute.PROJECT_ACTIVITY, tail);
                }
            }));
        } else {
            openStream(ctx, request, StreamRef.asset(route.id), cursor, user::mayRead, cors, origin,
                    services.sessionRecheck, user::stillSignedIn, client, StreamLimits.Kind.USER, user.userId(),
                    StreamRoute.SESSION_ASSET, 0);
        }
    }

    private void openStream(ChannelHandlerContext ctx, HttpRequest request, StreamRef stream, EventId cursor,
            Function<String, CompletableFuture<Boolean>> mayRead, CorsPolicy cors, String origin,
            Duration recheckEvery, Supplier<CompletableFuture<Boolean>> stillValid,
            String client, StreamLimits.Kind identityKind, String identity, StreamRoute streamRoute, int tail) {
        if (services.draining()) {
            // Checked here, on the loop, after every asynchronous lookup: a request that was in
            // flight when the drain began must not open a stream the drain has already counted out.
            Responses.error(ctx.channel(), ApiError.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "draining",
                    "this node is shutting down; reconnect to resume from your cursor"), cors, origin, false,
                    head -> head.header(HttpNames.RETRY_AFTER, "1"));
            afterAnswer(ctx, false);
            return;
        }
        StreamLimits.Kind refused = services.limits.tryOpen(client, identityKind, identity);
        if (refused != null) {
            services.counters.limitRejected(refused == StreamLimits.Kind.KEY ? Limit.KEY
                    : refused == StreamLimits.Kind.USER ? Limit.USER : Limit.ADDRESS);
            String who = refused == StreamLimits.Kind.KEY ? "this project key"
                    : refused == StreamLimits.Kind.USER ? "this user" : "address " + client;
            Responses.error(ctx.channel(), ApiError.of(HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_streams",
                    "too many open streams for " + who), cors, origin, HttpUtil.isKeepAlive(request),
                    head -> head.header(HttpNames.RETRY_AFTER, "1"));
            afterAnswer(ctx, HttpUtil.isKeepAlive(request));
            return;
        }
        cancelRequestTimeout();
        streaming = true;
        releaseWaiting();
        // A stream reads no more requests: its decoder's parsers and buffers (about 0.7 KB of heap
        // per connection, with tens of thousands of streams held) go; what the client still sends
        // reaches channelRead as bytes and is dropped.
        HttpRequestDecoder decoder = ctx.pipeline().get(HttpRequestDecoder.class);
        if (decoder != null) {
            ctx.pipeline().remove(decoder);
        }
        boolean chunked = !request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        subscription = new Subscription(ctx.channel(), services.fanoutFor(ctx.channel().eventLoop()), services.log, stream,
                cursor, mayRead, new HttpStreamResponder(cors, origin, services.retryMillis), chunked);
        subscription.route(streamRoute).tail(tail);
        Subscription opened = subscription;
        subscription.onEnd(() -> {
            services.limits.release(client, identityKind, identity);
            services.accessLog.streamEnded(opened, client);
        });
        // A session or key revoked while its stream is open ends the stream at the next check.
        subscription.recheckEvery(recheckEvery, stillValid);
        subscription.open();
    }

    /** The cursor from Last-Event-ID, else from ?lastEventId= (for clients that cannot set headers). */
    private static EventId cursorOf(HttpRequest request, QueryStringDecoder uri) {
        String source = "Last-Event-ID";
        String raw = request.headers().get(HttpNames.LAST_EVENT_ID);
        if (raw == null) {
            List<String> fromQuery = uri.parameters().get("lastEventId");
            if (fromQuery != null && !fromQuery.isEmpty()) {
                source = "lastEventId";
                raw = fromQuery.get(0);
            }
        }
        // EventSource sends no header until it has seen an id; an empty one means the same.
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return EventId.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The activity feed's {@code ?tail=N}: how many of the project's newest events to replay before
     * it goes live, capped to {@code max}; 0 without it. A cursor, if the request has one, wins
     * (a reconnect resumes where it was), but a malformed tail is refused all the same.
     */
    private static int feedTailOf(QueryStringDecoder uri, int max) {
        List<String> values = uri.parameters().get("tail");
        if (values == null) {
            return 0;
        }
        String raw = values.get(0);
        if (!values.stream().allMatch(raw::equals)) {
            throw new IllegalArgumentException("tail: given more than once with different values");
        }
        long count = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < '0' || c > '9') {
                count = -1;
                break;
            }
            // Saturates: any N past the cap asks for as many as the edge gives, and cannot overflow.
            count = Math.min(count * 10 + (c - '0'), max);
        }
        if (raw.isEmpty() || count < 0) {
            throw new IllegalArgumentException("tail must be a whole number of events, 0 or more, got \""
                    + abbreviate(raw) + "\"");
        }
        return (int) count;
    }

    private void onPreflight(ChannelHandlerContext ctx, CorsPolicy cors, String origin, boolean keepAlive) {
        if (origin == null || !cors.allows(origin)) {
            services.counters.authFailure(AuthFailure.ORIGIN);
            answer(ctx, ApiError.of(HttpResponseStatus.FORBIDDEN, "origin_not_allowed",
                    "origin " + abbreviate(origin) + " may not read this stream"), cors, origin, keepAlive);
            return;
        }
        Responses.empty(ctx.channel(), HttpResponseStatus.NO_CONTENT, keepAlive, head -> cors.writePreflight(head, origin));
        afterAnswer(ctx, keepAlive);
    }

    // ---- dashboard ----

    private void onDashboardRequest(ChannelHandlerContext ctx, HttpRequest request, Route route, boolean keepAlive) {
        HttpMethod method = request.method();
        boolean head = method.equals(HttpMethod.HEAD);
        if (!head && !method.equals(HttpMethod.GET)) {
            answerMethodNotAllowed(ctx, CorsPolicy.NONE, null, keepAlive, "GET, HEAD");
            return;
        }
        if (route.kind == Route.Kind.DASHBOARD_BASE) {
            // The page's relative URLs resolve against /dashboard/; keep the query (project, key).
            String target = request.uri();
            int query = target.indexOf('?');
            String location = Route.DASHBOARD_PREFIX + (query < 0 ? "" : target.substring(query));
            Responses.empty(ctx.channel(), HttpResponseStatus.MOVED_PERMANENTLY, keepAlive,
                    response -> response.header(HttpHeaderNames.LOCATION, location)
                            .header(HttpNames.CONTENT_LENGTH, 0));
            afterAnswer(ctx, keepAlive);
            return;
        }
        DashboardFiles.File file = services.dashboard.find(route.id);
        if (file == null) {
            answer(ctx, ApiError.of(HttpResponseStatus.NOT_FOUND, "not_found",
                    "no dashboard file " + abbreviate(route.id)), CorsPolicy.NONE, null, keepAlive);
            return;
        }
        services.dashboard.write(ctx.channel(), file, request.headers().get(HttpHeaderNames.IF_NONE_MATCH), head,
                keepAlive);
        afterAnswer(ctx, keepAlive);
    }

    // ---- ingest ----

    private void onIngestRequest(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive) {
        if (!request.method().equals(HttpMethod.POST)) {
            answerMethodNotAllowed(ctx, CorsPolicy.NONE, null, keepAlive, "POST");
            return;
        }
        if (services.ingestToken == null) {
            answer(ctx, ApiError.of(HttpResponseStatus.FORBIDDEN, "ingest_disabled",
                    "ingest is disabled: start the edge with --ingest-token"), CorsPolicy.NONE, null, keepAlive);
            return;
        }
        if (!bearerMatches(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            services.counters.authFailure(AuthFailure.INGEST_TOKEN);
            Responses.error(ctx.channel(), ApiError.of(HttpResponseStatus.UNAUTHORIZED, "unauthenticated",
                    "Authorization: Bearer <ingest token> is required"), CorsPolicy.NONE, null, keepAlive,
                    head -> head.header(HttpNames.WWW_AUTHENTICATE, "Bearer"));
            afterAnswer(ctx, keepAlive);
            return;
        }
        List<String> keys = request.headers().getAll(HttpNames.IDEMPOTENCY_KEY);
        if (keys.size() > 1 || keys.size() == 1 && !IdempotencyKey.isValid(keys.get(0))) {
            answer(ctx, ApiError.of(HttpResponseStatus.BAD_REQUEST, "invalid_idempotency_key", "Idempotency-Key must be "
                    + "one header of 1 to " + IdempotencyKey.MAX_LENGTH + " printable ASCII characters (0x21-0x7E)"),
                    CorsPolicy.NONE, null, keepAlive);
            return;
        }
        long declared = HttpUtil.getContentLength(request, -1L);
        if (declared > services.maxIngestBytes) {
            answerTooLarge(ctx);
            return;
        }
        services.ingestGate.track(ctx.channel());
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE), ctx.voidPromise());
        }
        ingestKey = keys.isEmpty() ? null : IdempotencyKey.of(keys.get(0));
        ingestKeepAlive = keepAlive;
        ingestBody = ctx.alloc().buffer((int) Math.max(0, Math.min(declared, services.maxIngestBytes)));
    }

    private boolean bearerMatches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        // Constant time: the comparison must not tell an attacker how many leading bytes matched.
        return MessageDigest.isEqual(presented, services.ingestToken);
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        if (content.decoderResult().isFailure()) {
            onMalformedRequest(ctx, content.decoderResult().cause());
            return;
        }
        if (ingestBody == null) {
            // The body of a request already answered (or a GET's empty end): nothing to keep.
            return;
        }
        if (ingestBody.readableBytes() + content.content().readableBytes() > services.maxIngestBytes) {
            ingestBody.release();
            ingestBody = null;
            answerTooLarge(ctx);
            return;
        }
        ingestBody.writeBytes(content.content());
        if (content instanceof LastHttpContent) {
            ByteBuf body = ingestBody;
            ingestBody = null;
            cancelRequestTimeout();
            try {
                ingest(ctx, body);
            } finally {
                body.release();
            }
        }
    }

    private void ingest(ChannelHandlerContext ctx, ByteBuf body) {
        boolean keepAlive = ingestKeepAlive;
        List<AssetEvent> events;
        try {
            events = EventJson.decodeBatch(body);
        } catch (EventValidationException e) {
            answer(ctx, ApiError.invalidEvent(e.field(), e.index(), e.getMessage()), CorsPolicy.NONE, null, keepAlive);
            return;
        }
        if (!services.ingestGate.tryStart()) {
            refuseIngest(ctx, keepAlive);
            return;
        }
        awaitingAnswer = true;
        services.log.append(events, ingestKey).whenComplete(services.ingestGate.answerOn(ctx.executor(), (stored, error) -> {
            awaitingAnswer = false;
            if (!ctx.channel().isActive()) {
                releaseWaiting();
                return;
            }
            if (error == null) {
                Responses.json(ctx.channel(), HttpResponseStatus.OK, idsJson(stored.ids()), CorsPolicy.NONE, null,
                        keepAlive, stored.replayed() ? head -> head.header(HttpNames.IDEMPOTENT_REPLAYED, "true") : null);
                afterAnswer(ctx, keepAlive);
            } else {
                answerAppendFailure(ctx, error instanceof CompletionException ? error.getCause() : error, keepAlive);
            }
            resumeWaiting(ctx);
        }));
    }

    private void answerAppendFailure(ChannelHandlerContext ctx, Throwable error, boolean keepAlive) {
        if (error instanceof EventValidationException invalid) {
            answer(ctx, ApiError.invalidEvent(invalid.field(), invalid.index(), invalid.getMessage()), CorsPolicy.NONE,
                    null, keepAlive);
        } else if (error instanceof IdempotencyKeyReusedException reused) {
            answer(ctx, ApiError.of(HttpResponseStatus.UNPROCESSABLE_ENTITY, "idempotency_key_reused", reused.getMessage()),
                    CorsPolicy.NONE, null, keepAlive);
        } else if (error instanceof AssetEndedException ended) {
            answer(ctx, ApiError.assetEnded(ended.terminalId() == null ? null : ended.terminalId().toString(),
                    ended.index(), ended.getMessage()), CorsPolicy.NONE, null, keepAlive);
        } else if (error instanceof LogUnavailableException) {
            Responses.error(ctx.channel(), ApiError.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    error.getMessage()), CorsPolicy.NONE, null, keepAlive, head -> head.header(HttpNames.RETRY_AFTER, "1"));
            afterAnswer(ctx, keepAlive);
        } else {
            LOG.error("append failed", error);
            answer(ctx, ApiError.of(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error", "append failed"),
                    CorsPolicy.NONE, null, false);
        }
    }

    private static byte[] idsJson(List<EventId> ids) {
        StringBuilder json = new StringBuilder(16 + ids.size() * 20).append("{\"ids\":[");
        for (int i = 0; i < ids.size(); i++) {
            json.append(i == 0 ? "\"" : ",\"").append(ids.get(i)).append('"');
        }
        return json.append("]}\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    // ---- answers ----

    private void onMalformedRequest(ChannelHandlerContext ctx, Throwable cause) {
        ApiError error;
        if (cause instanceof TooLongHttpLineException) {
            error = ApiError.of(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request_line_too_large",
                    "the request line is longer than the server accepts");
        } else if (cause instanceof TooLongHttpHeaderException) {
            error = ApiError.of(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                    "the request headers are larger than the server accepts");
        } else {
            error = ApiError.of(HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed HTTP request");
        }
        if (ingestBody != null) {
            ingestBody.release();
            ingestBody = null;
        }
        // The parser cannot find the next request after garbage: answer, then close.
        answer(ctx, error, CorsPolicy.NONE, null, false);
        streaming = true;
    }

    private void answerTooLarge(ChannelHandlerContext ctx) {
        answer(ctx, ApiError.of(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                "the request body is larger than " + services.maxIngestBytes + " bytes"), CorsPolicy.NONE, null, false);
        // Closing: reading the rest of an oversized body is work for nothing.
        streaming = true;
    }

    private void answerMethodNotAllowed(ChannelHandlerContext ctx, CorsPolicy cors, String origin, boolean keepAlive,
            String allow) {
        Responses.error(ctx.channel(), ApiError.of(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                "this route accepts " + allow), cors, origin, keepAlive, head -> head.header(HttpNames.ALLOW, allow));
        afterAnswer(ctx, keepAlive);
    }

    private void answer(ChannelHandlerContext ctx, ApiError error, CorsPolicy cors, String origin, boolean keepAlive) {
        Responses.error(ctx.channel(), error, cors, origin, keepAlive, null);
        afterAnswer(ctx, keepAlive);
    }

    private void afterAnswer(ChannelHandlerContext ctx, boolean keepAlive) {
        if (keepAlive) {
            armRequestTimeout(ctx);
        } else {
            cancelRequestTimeout();
        }
    }

    // ---- request timeout ----

    /** A client must send a complete request within the timeout; a slow one is answered 408 and closed. */
    private void armRequestTimeout(ChannelHandlerContext ctx) {
        cancelRequestTimeout();
        requestTimeout = ctx.executor().schedule(() -> {
            requestTimeout = null;
            if (!streaming && !awaitingAnswer && ctx.channel().isActive()) {
                streaming = true;
                Responses.error(ctx.channel(), ApiError.of(HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout",
                        "the request was not received in time"), CorsPolicy.NONE, null, false, null);
            }
        }, services.requestTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelRequestTimeout() {
        if (requestTimeout != null) {
            requestTimeout.cancel(false);
            requestTimeout = null;
        }
    }

    // ---- pipelined requests ----

    private void resumeWaiting(ChannelHandlerContext ctx) {
        while (waiting != null && !waiting.isEmpty() && !awaitingAnswer) {
            channelRead(ctx, waiting.poll());
        }
    }

    private void releaseWaiting() {
        if (waiting != null) {
            Object msg;
            while ((msg = waiting.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    // ---- server closing ----

    /**
     * The node is closing and issues no more appends: nothing of this request is stored, and the
     * producer may send it again, to another node. Requests read behind it get their own answers;
     * after the last the connection ends.
     */
    private void refuseIngest(ChannelHandlerContext ctx, boolean keepAlive) {
        boolean more = keepAlive && waiting != null && !waiting.isEmpty();
        Responses.error(ctx.channel(), ApiError.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "draining",
                "this node is shutting down: nothing was stored; send the events again"), CorsPolicy.NONE, null,
                true, head -> {
                    head.header(HttpNames.RETRY_AFTER, "1");
                    if (!more) {
                        head.header(HttpNames.CONNECTION, "close");
                    }
                });
        if (more) {
            afterAnswer(ctx, true);
        } else {
            // Whatever the client sends after the last answer is not read.
            streaming = true;
            cancelRequestTimeout();
            shutOutputWhenFlushed(ctx);
        }
    }

    /**
     * The server is closing this connection, after every append it issued has been answered.
     * A body still arriving is answered 503 (nothing of it was stored). An answer still awaited
     * belongs to an append that outlived the server's wait: its outcome is unknown, so the
     * connection closes without an answer rather than with a 503 that may be false.
     */
    private void closeForShutdown(ChannelHandlerContext ctx) {
        if (streaming) {
            // A stream, which the server ends itself, or a connection already ending.
            return;
        }
        streaming = true;
        cancelRequestTimeout();
        releaseWaiting();
        if (awaitingAnswer) {
            ctx.close();
        } else if (ingestBody != null) {
            ingestBody.release();
            ingestBody = null;
            refuseIngest(ctx, false);
        } else {
            shutOutputWhenFlushed(ctx);
        }
    }

    /**
     * Once everything written is flushed, shuts the output: the client reads its answers, then the
     * end, and closes; the connection closes with it (or when the server stops waiting). Closing at
     * once, with requests the client sent still unread, would reset the connection, which can
     * discard answers not yet sent.
     */
    private static void shutOutputWhenFlushed(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
            if (ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                ctx.close();
            }
        });
    }

    // ---- channel events ----

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (subscription != null) {
            subscription.onWritabilityChanged();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelRequestTimeout();
        if (subscription != null) {
            subscription.onChannelInactive();
        }
        if (ingestBody != null) {
            ingestBody.release();
            ingestBody = null;
        }
        releaseWaiting();
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == IngestGate.CLOSE_CONNECTION) {
            closeForShutdown(ctx);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes are how SSE clients leave; anything else is worth a line.
        if (cause instanceof java.io.IOException) {
            LOG.debug("connection error: {}", cause.toString());
        } else {
            LOG.warn("closing connection after unexpected error", cause);
        }
        ctx.close();
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "(none)";
        }
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
