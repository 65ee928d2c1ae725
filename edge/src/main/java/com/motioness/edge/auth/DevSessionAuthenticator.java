package com.motioness.edge.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Development sessions from configuration ({@code --dev-session TOKEN=USER:PROJECT,...}): the
 * session cookie's value is looked up as is. No signature check: this stands in for better-auth
 * until the real verification lands, and must not be used in production.
 */
public final class DevSessionAuthenticator implements SessionAuthenticator {
    private static final CompletableFuture<Principal> NONE = CompletableFuture.completedFuture(null);

    private final Map<String, Principal> principals;

    /** @param principals session token to principal */
    public DevSessionAuthenticator(Map<String, Principal> principals) {
        this.principals = Map.copyOf(principals);
    }

    @Override
    public CompletableFuture<Principal> authenticate(HttpHeaders headers) {
        String header = headers.get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return NONE;
        }
        String token = null;
        // better-auth reads the first occurrence of its cookie name; so do we.
        for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
            if (COOKIE.equals(cookie.name()) || SECURE_COOKIE.equals(cookie.name())) {
                token = cookie.value();
                break;
            }
        }
        Principal principal = token == null ? null : principals.get(token);
        return principal == null ? NONE : CompletableFuture.completedFuture(principal);
    }
}
