package com.motioness.edge.auth;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Blocking JDBC lookups run off the event loops: a small HikariCP pool and as many threads, with
 * a bounded queue that refuses at once when full, and a timeout on getting a connection and on
 * each query. A lookup that cannot be answered fails its future; callers answer 503.
 */
final class JdbcLookups implements AutoCloseable {
    /** One lookup on a pooled connection. */
    @FunctionalInterface
    interface Lookup<T> {
        T run(Connection connection, int timeoutSeconds) throws SQLException;
    }

    private final String what;
    private final HikariDataSource pool;
    private final ThreadPoolExecutor executor;
    private final int timeoutSeconds;

    /**
     * @param what names the store in errors and thread names, e.g. {@code sessions}
     * @param threads connections and threads: the bound on concurrent lookups
     */
    JdbcLookups(String what, String jdbcUrl, int threads, Duration timeout) {
        this.what = what;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(threads);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(Math.max(250, timeout.toMillis()));
        config.setPoolName("motioness-" + what);
        config.setReadOnly(true);
        // Start even while the database is away: lookups then fail (503) until it is back.
        config.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(config);
        this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
        this.executor = new ThreadPoolExecutor(
                threads, threads, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(1024), runnable -> {
                    Thread thread = new Thread(runnable, "motioness-" + what);
                    thread.setDaemon(true);
                    return thread;
                });
    }

    <T> CompletableFuture<T> submit(Lookup<T> lookup) {
        try {
            return CompletableFuture.supplyAsync(
                    () -> {
                        try (Connection connection = pool.getConnection()) {
                            return lookup.run(connection, timeoutSeconds);
                        } catch (SQLException e) {
                            throw new IllegalStateException(what + " store unavailable: " + e.getMessage(), e);
                        }
                    },
                    executor);
        } catch (RejectedExecutionException full) {
            return CompletableFuture.failedFuture(new IllegalStateException(what + " lookups are saturated"));
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        pool.close();
    }
}
