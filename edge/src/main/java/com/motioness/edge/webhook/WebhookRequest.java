package com.motioness.edge.webhook;

import java.net.URI;
import java.time.Duration;

/**
 * One attempt's POST, signed and ready to send.
 *
 * @param url where to POST
 * @param messageId the {@code webhook-id} header
 * @param timestampSeconds the {@code webhook-timestamp} header
 * @param signatures the {@code webhook-signature} header: space-separated {@code v1,...} values
 * @param body the JSON body
 * @param timeout how long the whole attempt may take, connect to last byte read
 */
public record WebhookRequest(
        URI url, String messageId, long timestampSeconds, String signatures, byte[] body, Duration timeout) {}
