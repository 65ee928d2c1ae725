package com.motioness.edge.auth;

import com.motioness.edge.config.AuthSettings;
import com.motioness.edge.config.LogSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who the node lets in, opened from the settings: project keys (fixed, a reloaded file, or a Redis
 * hash beside the log) and the session authenticator (better-auth's sessions and membership, or the
 * development sessions). {@link #close()} closes the stores and pools they opened.
 */
public final class EdgeAuth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeAuth.class);

    private final ProjectKeys keys;
    private final SessionAuthenticator sessions;
    private final String demoDashboardCookie;
    private final List<AutoCloseable> closeables;

    private EdgeAuth(
            ProjectKeys keys,
            SessionAuthenticator sessions,
            String demoDashboardCookie,
            List<AutoCloseable> closeables) {
        this.keys = keys;
        this.sessions = sessions;
        this.demoDashboardCookie = demoDashboardCookie;
        this.closeables = closeables;
    }

    /**
     * Opens the project keys and the session authenticator; on a failure, closes what it had opened.
     *
     * @param log where the keys live in Redis mode
     * @param demo whether the demo runs: the dashboard then signs its visitors in with the demo's session
     */
    public static EdgeAuth open(AuthSettings auth, LogSettings log, boolean demo) {
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            ProjectKeys keys = log.redis() != null
                    ? new RedisProjectKeys(log.redis(), log.redisPrefix(), auth.projectKeys())
                    : auth.keysFile() != null
                            ? new FileProjectKeys(auth.flagProjectKeys(), auth.keysFile(), Duration.ofSeconds(1))
                            : ProjectKeys.of(auth.projectKeys());
            closeables.add(keys);
            SessionAuthenticator sessions = sessionAuthenticator(auth, closeables);
            return new EdgeAuth(keys, sessions, demoDashboardCookie(auth, demo), closeables);
        } catch (RuntimeException | Error e) {
            close(closeables);
            throw e;
        }
    }

    /**
     * better-auth sessions when a session store is configured (verified cookie, session store,
     * membership with a per-node cache), else the development sessions of the configuration.
     */
    private static SessionAuthenticator sessionAuthenticator(AuthSettings auth, List<AutoCloseable> closeables) {
        if (auth.sessionStore() == null) {
            Map<String, Set<String>> grants = new HashMap<>();
            auth.devSessions()
                    .forEach((token, session) -> grants.merge(session.userId(), session.projectIds(), (a, b) -> {
                        Set<String> all = new HashSet<>(a);
                        all.addAll(b);
                        return all;
                    }));
            ProjectAccess access = ProjectAccess.granted(grants);
            Map<String, Principal> sessions = new HashMap<>();
            auth.devSessions()
                    .forEach((token, session) -> sessions.put(token, new Principal(session.userId(), access)));
            return new DevSessionAuthenticator(sessions);
        }
        SessionStore store = auth.sessionStore().startsWith("jdbc:")
                ? new PostgresSessionStore(auth.sessionStore(), 4, Duration.ofSeconds(2))
                : new RedisSessionStore(auth.sessionStore(), auth.sessionKeyPrefix());
        closeables.add(store);
        ProjectAccess membership;
        if (auth.membership().startsWith("jdbc:")) {
            SqlProjectAccess sql =
                    new SqlProjectAccess(auth.membership(), auth.membershipQuery(), 4, Duration.ofSeconds(2));
            closeables.add(sql);
            membership = sql;
        } else {
            RedisProjectAccess redis = new RedisProjectAccess(auth.membership(), auth.sessionKeyPrefix());
            closeables.add(redis);
            membership = redis;
        }
        String secret = auth.authSecret() != null
                ? auth.authSecret()
                : SignedSessionCookie.secretFromEnvironment(System.getenv());
        return new BetterAuthSessionAuthenticator(
                new SignedSessionCookie(auth.authCookiePrefix(), secret),
                store,
                new CachedProjectAccess(membership, auth.membershipCache().toNanos(), 100_000, System::nanoTime),
                Clock.systemUTC());
    }

    /**
     * The session cookie the dashboard page sets so the demo's activity feed opens without a sign-in:
     * only with {@code --demo}, and only while development sessions (which know the demo's) are in use.
     */
    private static String demoDashboardCookie(AuthSettings auth, boolean demo) {
        if (!demo || auth.sessionStore() != null) {
            return null;
        }
        return SessionAuthenticator.COOKIE + "=" + AuthSettings.DEMO_SESSION;
    }

    /** The project keys of public streams. */
    public ProjectKeys keys() {
        return keys;
    }

    /** The authenticator of session-cookie routes. */
    public SessionAuthenticator sessions() {
        return sessions;
    }

    /** The cookie the dashboard sets for the demo, or null. */
    public String demoDashboardCookie() {
        return demoDashboardCookie;
    }

    /** Closes the keys' reloader or connection, the session store and the membership pool or connection. */
    @Override
    public void close() {
        close(closeables);
    }

    private static void close(List<AutoCloseable> closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", closeable, e.toString());
            }
        }
    }
}
