package com.motioness.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The {@code Authorization: Bearer <token>} check of the internal routes: ingest and the webhook API. */
final class BearerToken {
    private static final String BEARER = "Bearer ";

    private BearerToken() {}

    /** Whether {@code request} presents {@code token} (the scheme's case ignored, the token's not). */
    static boolean matches(HttpRequest request, byte[] token) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        // Constant time: the comparison must not tell an attacker how many leading bytes matched.
        return MessageDigest.isEqual(presented, token);
    }
}
