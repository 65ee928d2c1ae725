package com.motioness.edge.webhook.client;

import com.motioness.edge.webhook.AttemptResult;
import com.motioness.edge.webhook.WebhookRequest;
import com.motioness.protocol.webhook.WebhookSecret;
import com.motioness.protocol.webhook.WebhookSignature;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Signed requests and waiting for their outcomes, for the client's tests. */
final class Attempts {
    static final WebhookSecret SECRET = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    static final byte[] BODY = "{\"id\":\"1700000000000-3\",\"type\":\"ready\",\"asset_id\":\"a1\",\"note\":\"é\"}"
            .getBytes(StandardCharsets.UTF_8);

    private Attempts() {}

    static WebhookRequest request(URI url, Duration timeout) {
        String id = "msg_abcdefghijklmnopqrstuvwxyz";
        long timestamp = 1_700_000_000L;
        return new WebhookRequest(
                url, id, timestamp, WebhookSignature.header(List.of(SECRET), id, timestamp, BODY), BODY, timeout);
    }

    static WebhookRequest request(URI url) {
        return request(url, Duration.ofSeconds(5));
    }

    /** The outcome, waiting at most 10 s: a future that never completes fails the test. */
    static AttemptResult await(CompletableFuture<AttemptResult> pending) throws Exception {
        return pending.get(10, TimeUnit.SECONDS);
    }
}
