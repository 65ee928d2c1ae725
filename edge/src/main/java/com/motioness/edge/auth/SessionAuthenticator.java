package com.motioness.edge.auth;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.CompletableFuture;

/**
 * Finds the signed-in user of a dashboard request from its session cookie. Asynchronous because a
 * real deployment looks the session up in Redis or SQL, which must never block an event loop.
 */
public interface SessionAuthenticator {
    /** better-auth's session cookie name, and the name it takes over https. */
    String COOKIE = "better-auth.session_token";
    /** The same cookie as better-auth names it when it sets secure cookies. */
    String SECURE_COOKIE = "__Secure-better-auth.session_token";

    /** @return the principal, or null when the request carries no valid session */
    CompletableFuture<Principal> authenticate(HttpHeaders headers);
}
