package com.motioness.edge.auth;

import java.util.concurrent.CompletableFuture;

/**
 * Where a better-auth deployment keeps its sessions: its Redis secondary storage, or its SQL
 * {@code session} table. Asynchronous: a lookup never blocks an event loop.
 */
public interface SessionStore extends AutoCloseable {
    /**
     * @param token the raw session token from a verified cookie
     * @return the session, or null when the store has none (revoked or never existed); fails when
     *     the store cannot answer
     */
    CompletableFuture<StoredSession> find(String token);

    @Override
    void close();
}
