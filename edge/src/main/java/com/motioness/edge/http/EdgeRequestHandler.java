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
import io.netty.channel.ChannelConfig;
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
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.function.Consumer;
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
 * (pipelining) wait their turn, so answers keep the order of requests; past a bound, the
 * connection is not read until answers go out.
 *
 * <p>One request, one answer: a request answered before its body was read (a body on a route
 * that takes none, an ingest request refused on its head) ends the connection with that answer,
 * since what follows cannot be read as the next request without reading the body first.
 */
final class EdgeRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeRequestHandler.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String BEARER = "Bearer ";
    private static final io.netty.util.AsciiString X_FORWARDED_FOR = io.netty.util.AsciiString.cached("X-Forwarded-For");
    private static final CompletableFuture<Boolean> YES = CompletableFuture.completedFuture(true);
    /** The project already checked: the activity stream is the project itself. */
    private static final Function<String, CompletableFuture<Boolean>> ALLOWED = project -> YES;
    /**
     * Requests held while an earlier one awaits its answer: past this many, or past
     * {@link #MAX_WAITING_BYTES} of their bodies, the connection is not read until half have been
     * answered. One socket read (at most 64 KiB) may still add what it holds.
     */
    private static final int MAX_WAITING_REQUESTS = 128;
    private static final int MAX_WAITING_BYTES = 64 * 1024;

    private final EdgeServices services;
    private ScheduledFuture<?> requestTimeout;
    /**
     * No more requests are read: the connection belongs to a stream, or it ends after the answer
     * written last. What the client still sends is dropped.
     */
    private boolean noMoreRequests;
    private Subscription subscription;
    private boolean awaitingAnswer;
    /** The request being answered is a HEAD: its answers carry every header and no body. */
    private boolean answeringHead;
    private ArrayDeque<Object> waiting;
    private int waitingRequests;
    private long waitingBytes;
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
        if (noMoreRequests) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (awaitingAnswer) {
            hold(ctx, msg);
            return;
        }
        try {
            if (msg instanceof HttpRequest request) {
                onRequest(ctx, request);
            }
            // A malformed request comes as one message that is both head and content: answered once.
            if (msg instanceof HttpContent content && !noMoreRequests) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        HttpMethod method = request.method();
        answeringHead = method.equals(HttpMethod.HEAD);
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            onMalformedRequest(ctx, result.cause());
            return;
        }
        boolean hasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !hasBody;
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        String hostProblem = HostHeader.problem(request);
        if (hostProblem != null) {
            answer(ctx, ApiError.of(HttpResponseStatus.BAD_REQUEST, "bad_request", hostProblem), CorsPolicy.NONE,
                    origin, false);
            return;
        }
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
        CorsPolicy cors = route.kind == Route.Kind.PUBLIC_ASSET ? CorsPolicy.PUBLIC
                : route.kind.isStream() ? services.cookieCors : CorsPolicy.NONE;
        if (!route.kind.allows(method)) {
            answer(ctx, ApiError.of(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    "this route accepts " + route.kind.allow), cors, origin, keepAlive,
                    head -> head.header(HttpNames.ALLOW, route.kind.allow));
            return;
        }
        if (hasBody && !route.kind.takesBody()) {
            // RFC 9110 section 9.3.1: a body on GET has no meaning, and a server may refuse it. Reading it
            // only to drop it would keep the connection for nothing and is a classic smuggling vector.
            answer(ctx, ApiError.of(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    method + " " + abbreviate(uri.path()) + " takes no request body"), cors, origin, false);
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
        if (method.equals(HttpMethod.OPTIONS)) {
            onPreflight(ctx, cors, origin, keepAlive);
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
            answer(ctx, ApiError.of(HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_new_streams",
                    "too many new streams from " + client + "; retry after " + wait + " s"), cors, origin, keepAlive,
                    head -> head.header(HttpNames.RETRY_AFTER, wait));
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
        } catch (ConflictingCursorException e) {
            answer(ctx, ApiError.of(HttpResponseStatus.BAD_REQUEST, "conflicting_cursor", e.getMessage()),
                    cors, origin, keepAlive);
            return;
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
                } else {
                    openStream(ctx, request, StreamRef.project(route.id), cursor, ALLOWED, cors, origin,
                            services.sessionRecheck, user::stillSignedIn, client, StreamLimits.Kind.USER, user.userId(),
                            StreamRoute.PROJECT_ACTIVITY, tail);
                }
                // A HEAD or an error answered on a kept-alive connection: the requests behind it go on.
                resumeWaiting(ctx);
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
            answer(ctx, ApiError.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "draining",
                    "this node is shutting down; reconnect to resume from your cursor"), cors, origin, false,
                    head -> head.header(HttpNames.RETRY_AFTER, "1"));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        StreamLimits.Kind refused = services.limits.tryOpen(client, identityKind, identity);
        if (refused != null) {
            services.counters.limitRejected(refused == StreamLimits.Kind.KEY ? Limit.KEY
                    : refused == StreamLimits.Kind.USER ? Limit.USER : Limit.ADDRESS);
            String who = refused == StreamLimits.Kind.KEY ? "this project key"
                    : refused == StreamLimits.Kind.USER ? "this user" : "address " + client;
            answer(ctx, ApiError.of(HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_streams",
                    "too many open streams for " + who), cors, origin, keepAlive,
                    head -> head.header(HttpNames.RETRY_AFTER, "1"));
            return;
        }
        boolean chunked = !request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        HttpStreamResponder responder = new HttpStreamResponder(cors, origin, services.retryMillis);
        if (answeringHead) {
            // HEAD gets the head a stream opens with and holds no stream: the place is given back at
            // once, and the log is not read. What only its read tells (204 after the asset's end, the
            // truncation and cursor-ahead headers) is left out, as RFC 9110 section 9.3.2 allows for
            // what is determined while generating the content.
            services.limits.release(client, identityKind, identity);
            boolean open = chunked && keepAlive;
            responder.writeHeadOnly(ctx.channel(), chunked, open);
            afterAnswer(ctx, open);
            return;
        }
        cancelRequestTimeout();
        noMoreRequests = true;
        releaseWaiting();
        updateReading(ctx);
        // A stream reads no more requests: its decoder's parsers and buffers (about 0.7 KB of heap
        // per connection, with tens of thousands of streams held) go; what the client still sends
        // reaches channelRead as bytes and is dropped.
        HttpRequestDecoder decoder = ctx.pipeline().get(HttpRequestDecoder.class);
        if (decoder != null) {
            ctx.pipeline().remove(decoder);
        }
        subscription = new Subscription(ctx.channel(), services.fanoutFor(ctx.channel().eventLoop()), services.log, stream,
                cursor, mayRead, responder, chunked);
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

    /**
     * The cursor from Last-Event-ID, else from ?lastEventId= (for clients that cannot set headers).
     * The header wins: an EventSource opened with ?lastEventId= (a page resuming after a reload)
     * keeps that URL and sends its newer Last-Event-ID on every reconnect.
     *
     * @throws ConflictingCursorException when the header, or the parameter, is given twice with different values
     */
    private static EventId cursorOf(HttpRequest request, QueryStringDecoder uri) {
        List<String> headers = request.headers().getAll(HttpNames.LAST_EVENT_ID);
        if (!headers.isEmpty()) {
            return oneCursor("Last-Event-ID", headers);
        }
        List<String> fromQuery = uri.parameters().get("lastEventId");
        return fromQuery == null || fromQuery.isEmpty() ? null : oneCursor("lastEventId", fromQuery);
    }

    /** The one cursor every value names; "1700" and "1700-0" are one id. */
    private static EventId oneCursor(String source, List<String> values) {
        EventId cursor = parseCursor(source, values.get(0));
        for (int i = 1; i < values.size(); i++) {
            if (!Objects.equals(cursor, parseCursor(source, values.get(i)))) {
                throw new ConflictingCursorException(source + " is given " + values.size()
                        + " times with different values; send one cursor");
            }
        }
        return cursor;
    }

    private static EventId parseCursor(String source, String raw) {
        // EventSource sends no header until it has seen an id; an empty one means the same.
        if (raw.isEmpty()) {
            return null;
        }
        try {
            return EventId.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** Two values of one cursor that name different events: which one the client means is unknown. */
    private static final class ConflictingCursorException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ConflictingCursorException(String message) {
            super(message);
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
        services.dashboard.write(ctx.channel(), file, request.headers().get(HttpHeaderNames.IF_NONE_MATCH),
                answeringHead, keepAlive);
        afterAnswer(ctx, keepAlive);
    }

    // ---- ingest ----

    /** @param keepAlive whether an answer given before the body is read may keep the connection */
    private void onIngestRequest(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive) {
        if (services.ingestToken == null) {
            answer(ctx, ApiError.of(HttpResponseStatus.FORBIDDEN, "ingest_disabled",
                    "ingest is disabled: start the edge with --ingest-token"), CorsPolicy.NONE, null, keepAlive);
            return;
        }
        if (!bearerMatches(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            services.counters.authFailure(AuthFailure.INGEST_TOKEN);
            answer(ctx, ApiError.of(HttpResponseStatus.UNAUTHORIZED, "unauthenticated",
                    "Authorization: Bearer <ingest token> is required"), CorsPolicy.NONE, null, keepAlive,
                    head -> head.header(HttpNames.WWW_AUTHENTICATE, "Bearer"));
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
        ingestKeepAlive = HttpUtil.isKeepAlive(request);
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
            // The empty end of a request without a body: nothing to keep.
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
            answer(ctx, ApiError.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", error.getMessage()),
                    CorsPolicy.NONE, null, keepAlive, head -> head.header(HttpNames.RETRY_AFTER, "1"));
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
        } else if (cause instanceof StrictRequestDecoder.UnsupportedVersionException unsupported) {
            error = ApiError.of(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "http_version_not_supported",
                    "this server speaks HTTP/1.1 and HTTP/1.0, not " + unsupported.version());
        } else {
            error = ApiError.of(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "malformed HTTP request: " + abbreviate(cause.getMessage(), 120));
        }
        if (ingestBody != null) {
            ingestBody.release();
            ingestBody = null;
        }
        // The parser cannot find the next request after garbage: answer, then close.
        answer(ctx, error, CorsPolicy.NONE, null, false);
    }

    private void answerTooLarge(ChannelHandlerContext ctx) {
        // Closing: reading the rest of an oversized body is work for nothing.
        answer(ctx, ApiError.of(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                "the request body is larger than " + services.maxIngestBytes + " bytes"), CorsPolicy.NONE, null, false);
    }

    private void answer(ChannelHandlerContext ctx, ApiError error, CorsPolicy cors, String origin, boolean keepAlive) {
        answer(ctx, error, cors, origin, keepAlive, null);
    }

    /** Writes an error answer (without its body to a HEAD); unless {@code keepAlive}, the connection ends with it. */
    private void answer(ChannelHandlerContext ctx, ApiError error, CorsPolicy cors, String origin, boolean keepAlive,
            Consumer<ResponseHead> extraHeaders) {
        Responses.error(ctx.channel(), error, cors, origin, keepAlive, extraHeaders, answeringHead);
        afterAnswer(ctx, keepAlive);
    }

    private void afterAnswer(ChannelHandlerContext ctx, boolean keepAlive) {
        if (keepAlive) {
            armRequestTimeout(ctx);
        } else {
            // The connection closes once this answer is out: nothing the client sent after it is answered.
            noMoreRequests = true;
            cancelRequestTimeout();
            updateReading(ctx);
        }
    }

    // ---- request timeout ----

    /** A client must send a complete request within the timeout; a slow one is answered 408 and closed. */
    private void armRequestTimeout(ChannelHandlerContext ctx) {
        cancelRequestTimeout();
        requestTimeout = ctx.executor().schedule(() -> {
            requestTimeout = null;
            if (!noMoreRequests && !awaitingAnswer && ctx.channel().isActive()) {
                answeringHead = false;
                answer(ctx, ApiError.of(HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout",
                        "the request was not received in time"), CorsPolicy.NONE, null, false);
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

    /** Holds a request part read while an earlier request awaits its answer. */
    private void hold(ChannelHandlerContext ctx, Object msg) {
        if (waiting == null) {
            waiting = new ArrayDeque<>();
        }
        waiting.add(msg);
        counted(msg, 1);
        updateReading(ctx);
    }

    private void resumeWaiting(ChannelHandlerContext ctx) {
        while (waiting != null && !waiting.isEmpty() && !awaitingAnswer) {
            Object msg = waiting.poll();
            counted(msg, -1);
            channelRead(ctx, msg);
        }
        updateReading(ctx);
    }

    private void counted(Object msg, int sign) {
        if (msg instanceof HttpRequest) {
            waitingRequests += sign;
        }
        if (msg instanceof HttpContent content) {
            waitingBytes += sign * content.content().readableBytes();
        }
    }

    private void releaseWaiting() {
        if (waiting != null) {
            Object msg;
            while ((msg = waiting.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
        waitingRequests = 0;
        waitingBytes = 0;
    }

    /**
     * Back-pressure instead of a cut: the connection is not read while it holds too many requests
     * unanswered, or while its answers do not go out (its write buffer is over the high-water mark,
     * as with a client that pipelines without reading); it is read again once half of those
     * requests have been answered and the answers drain. What the client sends meanwhile waits in
     * the kernel's buffers, then in its own, which slows it down. A connection that takes no more
     * requests is read on, so its client's close is seen.
     */
    private void updateReading(ChannelHandlerContext ctx) {
        ChannelConfig config = ctx.channel().config();
        boolean reading = config.isAutoRead();
        boolean read;
        if (noMoreRequests) {
            read = true;
        } else if (!ctx.channel().isWritable()) {
            read = false;
        } else if (reading) {
            read = waitingRequests < MAX_WAITING_REQUESTS && waitingBytes < MAX_WAITING_BYTES;
        } else {
            read = waitingRequests <= MAX_WAITING_REQUESTS / 2 && waitingBytes <= MAX_WAITING_BYTES / 2;
        }
        if (read != reading) {
            config.setAutoRead(read);
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
            noMoreRequests = true;
            cancelRequestTimeout();
            updateReading(ctx);
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
        if (noMoreRequests) {
            // A stream, which the server ends itself, or a connection already ending.
            return;
        }
        noMoreRequests = true;
        cancelRequestTimeout();
        releaseWaiting();
        updateReading(ctx);
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
        } else {
            updateReading(ctx);
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
        return abbreviate(text, 64);
    }

    private static String abbreviate(String text, int max) {
        if (text == null) {
            return "(none)";
        }
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }
}
