package com.motioness.edge.webhook;

import com.motioness.protocol.webhook.WebhookSecret;

/**
 * One signing secret of an endpoint.
 *
 * @param secret the secret
 * @param expiresMs when it stops signing (epoch milliseconds), or 0 for the current secret
 */
public record EndpointSecret(WebhookSecret secret, long expiresMs) {

    /** Whether it signs a delivery made at {@code nowMs}. */
    public boolean signsAt(long nowMs) {
        return expiresMs == 0 || nowMs < expiresMs;
    }

    @Override
    public String toString() {
        return "EndpointSecret[" + secret + " expiresMs=" + expiresMs + "]";
    }
}
