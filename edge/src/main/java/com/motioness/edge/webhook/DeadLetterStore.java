package com.motioness.edge.webhook;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where dead letters are kept, per project: in memory or in Redis, beside the endpoints. */
public interface DeadLetterStore extends AutoCloseable {

    /** Keeps a dead letter (replacing one with the same message id). */
    CompletableFuture<Void> add(DeadLetter letter);

    /** A project's dead letters, oldest first, at most {@code limit}. */
    CompletableFuture<List<DeadLetter>> list(String projectId, int limit);

    /**
     * Takes one dead letter out, to be sent again; null when the project has none with this id (or
     * another caller took it first).
     */
    CompletableFuture<DeadLetter> take(String projectId, String messageId);

    @Override
    void close();
}
