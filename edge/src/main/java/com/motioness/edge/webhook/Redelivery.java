package com.motioness.edge.webhook;

import java.util.concurrent.CompletableFuture;

/** Sends a dead letter again, with a fresh budget of attempts; implemented by the dispatcher. */
public interface Redelivery {

    /** Queues {@code letter} for delivery to its endpoint; completes once the job is stored. */
    CompletableFuture<Void> redeliver(DeadLetter letter);
}
