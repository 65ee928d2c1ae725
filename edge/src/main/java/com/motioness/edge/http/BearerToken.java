package com.motioness.edge.http;

import com.motioness.edge.metrics.RequestCounters.AuthFailure;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The {@code Authorization: Bearer <token>} check of the internal routes: ingest and the webhook API. */
final class BearerToken {
    private static final String BEARER = "Bearer ";

    private BearerToken() {}

    /**
     * Checks the ingest token of an internal route's request, and answers a refusal itself: 403
     * {@code ingest_disabled} when the node has no token ({@code disabled} says so), 401
     * {@code unauthenticated} (counted) when the request does not present it.
     *
     * @return true when the request presents the token
     */
    static boolean admits(
            EdgeServices services,
            Http1Connection connection,
            HttpRequest request,
            boolean keepAlive,
            String disabled) {
        if (services.ingestToken == null) {
            connection.answer(
                    ApiError.of(HttpResponseStatus.FORBIDDEN, "ingest_disabled", disabled),
                    CorsPolicy.NONE,
                    null,
                    keepAlive);
            return false;
        }
        if (!matches(request, services.ingestToken)) {
            services.counters.authFailure(AuthFailure.INGEST_TOKEN);
            connection.answer(
                    ApiError.of(
                            HttpResponseStatus.UNAUTHORIZED,
                            "unauthenticated",
                            "Authorization: Bearer <ingest token> is required"),
                    CorsPolicy.NONE,
                    null,
                    keepAlive,
                    head -> head.header(HttpNames.WWW_AUTHENTICATE, "Bearer"));
            return false;
        }
        return true;
    }

    /** Whether {@code request} presents {@code token} (the scheme's case ignored, the token's not). */
    private static boolean matches(HttpRequest request, byte[] token) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        // Constant time: the comparison must not tell an attacker how many leading bytes matched.
        return MessageDigest.isEqual(presented, token);
    }
}
