package com.motioness.edge.auth;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Membership from the deployment's database: a configurable query with two parameters, the user
 * id and the project id, that returns a row when the user may read the project. The default
 * follows better-auth's organization plugin (table {@code member}) and a {@code project} table
 * naming each project's organization ({@code --membership-query}'s default, in the configuration).
 * Looked up off the event loops (see {@link JdbcLookups}).
 */
public final class SqlProjectAccess implements ProjectAccess, AutoCloseable {
    private final String query;
    private final JdbcLookups lookups;

    /**
     * @param jdbcUrl the deployment's PostgreSQL
     * @param query SQL with two {@code ?}: user id, then project id
     */
    public SqlProjectAccess(String jdbcUrl, String query, int threads, Duration timeout) {
        this.query = query;
        this.lookups = new JdbcLookups("membership", jdbcUrl, threads, timeout);
    }

    @Override
    public CompletableFuture<Boolean> mayRead(String userId, String projectId) {
        return lookups.submit((connection, timeoutSeconds) -> {
            try (PreparedStatement statement = connection.prepareStatement(query)) {
                statement.setQueryTimeout(timeoutSeconds);
                statement.setString(1, userId);
                statement.setString(2, projectId);
                try (ResultSet row = statement.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    @Override
    public void close() {
        lookups.close();
    }
}
