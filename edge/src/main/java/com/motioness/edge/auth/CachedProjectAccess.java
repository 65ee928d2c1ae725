package com.motioness.edge.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers membership answers, yes and no, for a short time per node, so a reconnect storm
 * does not hammer the membership store. Bounded: past the size limit the whole cache is dropped
 * (a storm then costs one round of lookups, never unbounded memory). Failures are not cached.
 */
public final class CachedProjectAccess implements ProjectAccess {
    private record Answer(boolean allowed, long expiresAtNanos) {}

    private final ProjectAccess source;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Answer> answers = new ConcurrentHashMap<>();

    /**
     * @param ttlNanos how long an answer is trusted
     * @param nanoTime the clock (tests move it by hand)
     */
    public CachedProjectAccess(ProjectAccess source, long ttlNanos, int maxEntries, LongSupplier nanoTime) {
        this.source = source;
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    @Override
    public CompletableFuture<Boolean> mayRead(String userId, String projectId) {
        // A NUL never occurs in ids (the protocol forbids it), so the key is unambiguous.
        String key = userId + '\0' + projectId;
        long now = nanoTime.getAsLong();
        Answer cached = answers.get(key);
        if (cached != null && now - cached.expiresAtNanos < 0) {
            return CompletableFuture.completedFuture(cached.allowed);
        }
        return source.mayRead(userId, projectId).thenApply(allowed -> {
            if (answers.size() >= maxEntries) {
                answers.clear();
            }
            answers.put(key, new Answer(allowed, now + ttlNanos));
            return allowed;
        });
    }
}
