package com.motioness.edge.http;

import static com.motioness.edge.http.ApiError.abbreviate;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.function.BooleanSupplier;

/**
 * Checks what every request must pass, in this order: decoding, {@code Host}, the route, the
 * method, a body (only ingest and the webhook API's writes read one); then hands the request to its
 * route: the stream routes, ingest, the webhook API or the dashboard. One instance per connection,
 * on its loop, behind {@link Http1Connection}.
 *
 * <p>Ingest and webhook API requests, and only they, go on down the pipeline, each to its own
 * {@link RouteBodyAggregator} and handler ({@link IngestHandler}, {@link WebhookApiHandler}), added
 * after this handler on the connection's first request of that route: the other routes never pass
 * through them, and each aggregator takes only its own route's requests.
 *
 * <p>One request, one answer: a request answered before its body was read (a body on a route
 * that takes none, an ingest request refused on its head) ends the connection with that answer,
 * since what follows cannot be read as the next request without reading the body first.
 */
final class RequestRouter extends ChannelInboundHandlerAdapter {
    private final EdgeServices services;
    private final Http1Connection connection;
    /** On the ingest listener ({@code --ingest-port}): every other route is answered 404. */
    private final boolean ingestOnly;

    private final StreamRoutes streams;
    private final DashboardHandler dashboard;
    private IngestHandler ingest;
    private WebhookApiHandler webhookApi;
    /** The body of an ingest or webhook API request that was let through is arriving: it goes to the aggregator. */
    private boolean forwardingBody;
    /** The route of the request handed on last: its aggregator takes it, the other lets it pass. */
    private Route.Kind forwarded;

    RequestRouter(EdgeServices services, Http1Connection connection) {
        this(services, connection, false);
    }

    /** @param ingestOnly whether this connection came to the ingest listener, which serves ingest alone */
    RequestRouter(EdgeServices services, Http1Connection connection, boolean ingestOnly) {
        this.services = services;
        this.connection = connection;
        this.ingestOnly = ingestOnly;
        this.streams = new StreamRoutes(services, connection);
        this.dashboard = new DashboardHandler(services.dashboard, connection);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                // A malformed request comes as one message that is both head and content: answered once.
                onRequest(ctx, request);
            } else if (msg instanceof HttpContent content) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        HttpMethod method = request.method();
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            onMalformedRequest(result.cause());
            return;
        }
        boolean hasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !hasBody;
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        String hostProblem = HostHeader.problem(request);
        if (hostProblem != null) {
            connection.answer(
                    ApiError.of(HttpResponseStatus.BAD_REQUEST, "bad_request", hostProblem),
                    CorsPolicy.NONE,
                    origin,
                    false);
            return;
        }
        QueryStringDecoder uri;
        try {
            uri = new QueryStringDecoder(request.uri());
            uri.path();
        } catch (IllegalArgumentException e) {
            connection.answer(
                    ApiError.of(HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed request target"),
                    CorsPolicy.NONE,
                    origin,
                    false);
            return;
        }
        Route route = Route.match(uri.path());
        if (route == null) {
            connection.answer(
                    ApiError.of(HttpResponseStatus.NOT_FOUND, "not_found", "no route for " + abbreviate(uri.path())),
                    CorsPolicy.NONE,
                    origin,
                    keepAlive);
            return;
        }
        if (ingestOnly && route.kind != Route.Kind.INGEST) {
            // A stream here would be served by the ingest loop, which runs no fan-out.
            connection.answer(
                    ApiError.of(
                            HttpResponseStatus.NOT_FOUND,
                            "not_found",
                            "this port serves ingest alone (POST /internal/events), not " + abbreviate(uri.path())),
                    CorsPolicy.NONE,
                    origin,
                    keepAlive);
            return;
        }
        CorsPolicy cors = route.kind == Route.Kind.PUBLIC_ASSET
                ? CorsPolicy.PUBLIC
                : route.kind.isStream() ? services.cookieCors : CorsPolicy.NONE;
        if (!route.kind.allows(method)) {
            connection.answer(
                    ApiError.of(
                            HttpResponseStatus.METHOD_NOT_ALLOWED,
                            "method_not_allowed",
                            "this route accepts " + route.kind.allow),
                    cors,
                    origin,
                    keepAlive,
                    head -> head.header(HttpNames.ALLOW, route.kind.allow));
            return;
        }
        if (hasBody && !route.kind.takesBody(method)) {
            // RFC 9110 section 9.3.1: a body on GET has no meaning, and a server may refuse it. Reading it
            // only to drop it would keep the connection for nothing and is a classic smuggling vector.
            connection.answer(
                    ApiError.of(
                            HttpResponseStatus.BAD_REQUEST,
                            "bad_request",
                            method + " " + abbreviate(uri.path()) + " takes no request body"),
                    cors,
                    origin,
                    false);
            return;
        }
        if (route.kind == Route.Kind.INGEST) {
            if (ingest(ctx).acceptsHead(ctx.channel(), request, keepAlive)) {
                forward(ctx, request, route.kind);
            }
        } else if (route.kind.isWebhookApi()) {
            if (webhookApi(ctx).acceptsHead(request, route, uri, keepAlive)) {
                forward(ctx, request, route.kind);
            }
        } else if (route.kind == Route.Kind.DASHBOARD || route.kind == Route.Kind.DASHBOARD_BASE) {
            dashboard.answer(ctx.channel(), request, route, keepAlive);
        } else {
            streams.onRequest(ctx.channel(), request, uri, route, cors, origin, keepAlive);
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        if (content.decoderResult().isFailure()) {
            // What the aggregator holds of an ingest body is released with the connection, which ends.
            forwardingBody = false;
            onMalformedRequest(content.decoderResult().cause());
            return;
        }
        if (forwardingBody) {
            forwardingBody = !(content instanceof LastHttpContent);
            ctx.fireChannelRead(content.retain());
        }
        // Else the empty end of a request without a body: nothing to keep.
    }

    /** Hands a request whose head was accepted, then its body, on to its route's aggregator. */
    private void forward(ChannelHandlerContext ctx, HttpRequest request, Route.Kind kind) {
        forwardingBody = true;
        forwarded = kind;
        ctx.fireChannelRead(request);
    }

    /** The ingest handlers, added behind this one on the connection's first ingest request. */
    private IngestHandler ingest(ChannelHandlerContext ctx) {
        if (ingest == null) {
            ingest = new IngestHandler(services, connection);
            addBodyRoute(ctx, "ingest", ingest, services.maxIngestBytes, () -> forwarded == Route.Kind.INGEST);
        }
        return ingest;
    }

    /** The webhook API's handlers, added behind this one on the connection's first request of it. */
    private WebhookApiHandler webhookApi(ChannelHandlerContext ctx) {
        if (webhookApi == null) {
            webhookApi = new WebhookApiHandler(services, connection);
            addBodyRoute(
                    ctx,
                    "webhook-api",
                    webhookApi,
                    WebhookApiHandler.MAX_BODY_BYTES,
                    () -> forwarded != null && forwarded.isWebhookApi());
        }
        return webhookApi;
    }

    /** Adds a route's handler behind this one, and its aggregator between them. */
    private void addBodyRoute(
            ChannelHandlerContext ctx, String name, ChannelHandler handler, int maxBytes, BooleanSupplier takes) {
        ctx.pipeline()
                .addAfter(ctx.name(), name, handler)
                .addAfter(ctx.name(), name + "-body", new RouteBodyAggregator(maxBytes, connection, takes));
    }

    private void onMalformedRequest(Throwable cause) {
        ApiError error;
        if (cause instanceof TooLongHttpLineException) {
            error = ApiError.of(
                    HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "request_line_too_large",
                    "the request line is longer than the server accepts");
        } else if (cause instanceof TooLongHttpHeaderException) {
            error = ApiError.of(
                    HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "headers_too_large",
                    "the request headers are larger than the server accepts");
        } else if (cause instanceof StrictRequestDecoder.UnsupportedVersionException unsupported) {
            error = ApiError.of(
                    HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                    "http_version_not_supported",
                    "this server speaks HTTP/1.1 and HTTP/1.0, not " + unsupported.version());
        } else {
            error = ApiError.of(
                    HttpResponseStatus.BAD_REQUEST,
                    "bad_request",
                    "malformed HTTP request: " + abbreviate(cause.getMessage(), 120));
        }
        // The parser cannot find the next request after garbage: answer, then close.
        connection.answer(error, CorsPolicy.NONE, null, false);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionErrors.close(ctx, cause);
    }
}
