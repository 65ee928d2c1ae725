package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.Redelivery;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a dead letter again: back in the queue as a job due now, with the same {@code webhook-id}
 * and a fresh budget of attempts. Any dispatcher claims it.
 */
public final class DispatcherRedelivery implements Redelivery {
    private final JobQueue queue;
    private final Clock clock;

    DispatcherRedelivery(JobQueue queue, Clock clock) {
        this.queue = queue;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Void> redeliver(DeadLetter letter) {
        WebhookJob job = WebhookJob.redeliveryOf(letter, clock.millis());
        return queue.schedule(job, 0);
    }
}
