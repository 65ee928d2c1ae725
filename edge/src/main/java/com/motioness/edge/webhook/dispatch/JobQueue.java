package com.motioness.edge.webhook.dispatch;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where jobs wait between attempts. A job is either due (at a time) or leased to a dispatcher that
 * is attempting it; a lease that runs out makes the job claimable again, so a dispatcher that dies
 * mid-attempt loses nothing (its attempt may be made twice, under the same {@code webhook-id}).
 * Futures may complete on any thread.
 */
interface JobQueue extends AutoCloseable {

    /** Up to {@code max} jobs that are due or whose lease ran out, leased to the caller now. */
    CompletableFuture<List<WebhookJob>> claim(int max);

    /** Forgets a job: delivered, dead-lettered or dropped. */
    CompletableFuture<Void> complete(WebhookJob job);

    /** Stores {@code job} (new or updated), due in {@code delayMs}, and ends its lease if it had one. */
    CompletableFuture<Void> schedule(WebhookJob job, long delayMs);

    /** Jobs held, due or leased, and of those how many wait for a retry: {@code [pending, due]}. */
    CompletableFuture<long[]> counts();

    @Override
    void close();
}
