package com.motioness.edge.webhook;

import java.util.concurrent.CompletableFuture;

/** Sends attempts: the Netty client in production. Never blocks the caller. */
public interface WebhookSender extends AutoCloseable {

    /**
     * Sends one attempt. The future always completes normally, with the outcome, within the
     * request's timeout (plus scheduling slack), on any thread.
     */
    CompletableFuture<AttemptResult> send(WebhookRequest request);

    @Override
    void close();
}
