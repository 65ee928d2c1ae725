package com.motioness.edge.webhook.client;

import com.motioness.edge.webhook.AttemptResult;
import com.motioness.edge.webhook.WebhookRequest;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;

/**
 * One attempt on its way: its request, its outcome (completed once, by whichever comes first: the
 * response, a failure or the timeout) and, on its origin's loop, where it is.
 */
final class Attempt {
    /** Where an attempt is, which names its timeout. */
    enum Phase {
        QUEUED,
        RESOLVING,
        CONNECTING,
        HANDSHAKING,
        EXCHANGING
    }

    final WebhookRequest request;
    final long startNanos;
    final CompletableFuture<AttemptResult> result = new CompletableFuture<>();

    // Read and written on the origin's loop only.
    Phase phase = Phase.QUEUED;
    /** Whether it waited for a connection: then a timeout while connecting is the wait's, not the connect's. */
    boolean waited;

    Channel channel;
    ScheduledFuture<?> timeout;

    Attempt(WebhookRequest request, long startNanos) {
        this.request = request;
        this.startNanos = startNanos;
    }

    /** How long it may still take. */
    long remainingNanos() {
        return request.timeout().toNanos() - (System.nanoTime() - startNanos);
    }

    boolean done() {
        return result.isDone();
    }

    /** Completes with a received status (2xx: delivered); false when it already had an outcome. */
    boolean answered(int status) {
        return finish(status, AttemptOutcomes.ofStatus(status), AttemptOutcomes.statusMessage(status));
    }

    /** Completes as failed; false when it already had an outcome. */
    boolean failed(Throwable failure) {
        return finish(0, AttemptOutcomes.codeOf(failure), AttemptOutcomes.messageOf(failure));
    }

    boolean finish(int status, String code, String message) {
        if (result.isDone()) {
            return false;
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
        return result.complete(new AttemptResult(status, code, message, System.nanoTime() - startNanos));
    }

    /** The outcome when the attempt's time runs out in its current phase. */
    boolean timedOut() {
        return switch (phase) {
            case CONNECTING ->
                waited
                        ? finish(
                                0,
                                AttemptOutcomes.TIMEOUT,
                                "waited for a connection, then no connection within the timeout")
                        : finish(0, AttemptOutcomes.CONNECT_TIMEOUT, "no connection within the timeout");
            case QUEUED -> finish(0, AttemptOutcomes.TIMEOUT, "no pooled connection free within the timeout");
            case RESOLVING -> finish(0, AttemptOutcomes.TIMEOUT, "the host did not resolve within the timeout");
            case HANDSHAKING -> finish(0, AttemptOutcomes.TIMEOUT, "the TLS handshake did not finish in time");
            case EXCHANGING -> finish(0, AttemptOutcomes.TIMEOUT, "no complete response within the timeout");
        };
    }
}
