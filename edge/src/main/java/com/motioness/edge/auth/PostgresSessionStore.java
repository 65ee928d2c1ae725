package com.motioness.edge.auth;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sessions in better-auth's SQL {@code session} table in PostgreSQL. JDBC blocks, so lookups run
 * on a small bounded pool of their own, never on an event loop; a query that cannot get a
 * connection or an answer within the timeout fails (the edge answers 503), and a full queue
 * refuses at once rather than queueing without bound.
 */
public final class PostgresSessionStore implements SessionStore {
    /** better-auth's column names are camelCase and must be quoted in PostgreSQL. */
    static final String QUERY = "SELECT \"userId\", \"expiresAt\" FROM \"session\" WHERE \"token\" = ?";

    private final HikariDataSource pool;
    private final ThreadPoolExecutor executor;
    private final int timeoutSeconds;

    /**
     * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/app?user=app}
     * @param threads connections and threads (the bound on concurrent lookups)
     * @param timeout how long one lookup may take, connection included
     */
    public PostgresSessionStore(String jdbcUrl, int threads, Duration timeout) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(threads);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(Math.max(250, timeout.toMillis()));
        config.setPoolName("motioness-sessions");
        config.setReadOnly(true);
        // Start even while the database is away: lookups then fail (503) until it is back.
        config.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(config);
        this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
        this.executor = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(1024),
                runnable -> {
                    Thread thread = new Thread(runnable, "motioness-sessions");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public CompletableFuture<StoredSession> find(String token) {
        try {
            return CompletableFuture.supplyAsync(() -> query(token), executor);
        } catch (RejectedExecutionException full) {
            return CompletableFuture.failedFuture(new IllegalStateException("session lookups are saturated"));
        }
    }

    private StoredSession query(String token) {
        try (Connection connection = pool.getConnection();
                PreparedStatement statement = connection.prepareStatement(QUERY)) {
            statement.setQueryTimeout(timeoutSeconds);
            statement.setString(1, token);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                return new StoredSession(row.getString(1), expiresAt(row));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("session store unavailable: " + e.getMessage(), e);
        }
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
        executor.shutdownNow();
        pool.close();
    }
}
