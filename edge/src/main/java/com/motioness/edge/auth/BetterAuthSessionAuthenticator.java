package com.motioness.edge.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * The dashboard's better-auth session: the signed cookie is verified here, then the session is
 * looked up where the deployment keeps it, and must not have expired. A missing session (revoked)
 * or a bad signature is no principal; a store that cannot answer fails the future (503).
 */
public final class BetterAuthSessionAuthenticator implements SessionAuthenticator {
    private static final CompletableFuture<Principal> NONE = CompletableFuture.completedFuture(null);

    private final SignedSessionCookie cookie;
    private final SessionStore sessions;
    private final ProjectAccess access;
    private final Clock clock;

    /** @param access membership of the user in the organization owning a project */
    public BetterAuthSessionAuthenticator(
            SignedSessionCookie cookie, SessionStore sessions, ProjectAccess access, Clock clock) {
        this.cookie = cookie;
        this.sessions = sessions;
        this.access = access;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Principal> authenticate(HttpHeaders headers) {
        String token = cookie.verifiedToken(headers.get(HttpHeaderNames.COOKIE));
        if (token == null) {
            return NONE;
        }
        return sessions.find(token)
                .thenApply(session -> session == null || !session.isLiveAt(clock.instant())
                        ? null
                        : new Principal(
                                session.userId(),
                                access,
                                () -> sessions.find(token)
                                        .thenApply(again -> again != null && again.isLiveAt(clock.instant()))));
    }
}
