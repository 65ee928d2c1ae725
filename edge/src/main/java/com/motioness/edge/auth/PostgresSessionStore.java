package com.motioness.edge.auth;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;

/**
 * Sessions in better-auth's SQL {@code session} table in PostgreSQL, looked up off the event
 * loops (see {@link JdbcLookups}).
 */
public final class PostgresSessionStore implements SessionStore {
    /** better-auth's column names are camelCase and must be quoted in PostgreSQL. */
    static final String QUERY = "SELECT \"userId\", \"expiresAt\" FROM \"session\" WHERE \"token\" = ?";

    private final JdbcLookups lookups;

    /**
     * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/app?user=app}
     * @param threads connections and threads (the bound on concurrent lookups)
     * @param timeout how long one lookup may take, connection included
     */
    public PostgresSessionStore(String jdbcUrl, int threads, Duration timeout) {
        this.lookups = new JdbcLookups("session", jdbcUrl, threads, timeout);
    }

    @Override
    public CompletableFuture<StoredSession> find(String token) {
        return lookups.submit((connection, timeoutSeconds) -> {
            try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
                statement.setQueryTimeout(timeoutSeconds);
                statement.setString(1, token);
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? new StoredSession(row.getString(1), expiresAt(row)) : null;
                }
            }
        });
    }

    /**
     * The expiry as an instant. A {@code timestamptz} column is exact; a {@code timestamp} one
     * (no zone) holds UTC, as better-auth writes JavaScript dates, whatever this JVM's zone is.
     */
    private static Instant expiresAt(ResultSet row) throws SQLException {
        if ("timestamptz".equals(row.getMetaData().getColumnTypeName(2))) {
            return row.getObject(2, OffsetDateTime.class).toInstant();
        }
        return row.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }

    @Override
    public void close() {
        lookups.close();
    }
}
