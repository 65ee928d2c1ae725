package com.motioness.edge.webhook.dispatch;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.IdempotencyKey;

/**
 * The {@code webhook_*} events an attempt leaves in its asset's log, and their idempotency keys:
 * derived from the message, the round of attempts and the attempt, so an attempt re-run after a
 * crash does not record its events twice (its retry meets the earlier success and stores nothing).
 */
final class DeliveryEvents {
    private static final int MAX_MSG = 1000;

    private DeliveryEvents() {}

    static AssetEvent dispatched(WebhookJob job, long nowMs) {
        return build(base(EventType.WEBHOOK_DISPATCHED, job, job.attempt(), nowMs));
    }

    static AssetEvent delivered(WebhookJob job, long latencyMs, long nowMs) {
        return build(
                base(EventType.WEBHOOK_DELIVERED, job, job.attempt(), nowMs).latencyMs(Math.max(0, latencyMs)));
    }

    static AssetEvent failed(WebhookJob job, String errorCode, String errorMsg, long nowMs) {
        return build(
                base(EventType.WEBHOOK_FAILED, job, job.attempt(), nowMs).error(code(errorCode), message(errorMsg)));
    }

    static AssetEvent deadLetter(WebhookJob job, int attempts, String errorCode, String errorMsg, long nowMs) {
        return build(base(EventType.WEBHOOK_DEAD_LETTER, job, Math.max(1, attempts), nowMs)
                .error(code(errorCode), message(errorMsg)));
    }

    /** The key of an attempt's events of one kind ({@code d}ispatched, {@code o}utcome). */
    static IdempotencyKey key(WebhookJob job, char kind) {
        return IdempotencyKey.of(
                "webhook:" + job.messageId() + ':' + job.firstAttemptMs() + ':' + job.attempt() + ':' + kind);
    }

    private static AssetEvent.Builder base(EventType type, WebhookJob job, int attempt, long nowMs) {
        return AssetEvent.builder(type)
                .assetId(job.assetId())
                .projectId(job.projectId())
                .ts(nowMs)
                .attempt(attempt)
                .requestId(job.messageId());
    }

    private static AssetEvent build(AssetEvent.Builder builder) {
        try {
            return builder.build();
        } catch (EventValidationException e) {
            throw new IllegalStateException("a webhook event the dispatcher made is invalid: " + e.getMessage(), e);
        }
    }

    /** An error code as the event's rule allows it: 1 to 64 of {@code [A-Za-z0-9._:-]}. */
    private static String code(String code) {
        if (code == null || code.isEmpty() || code.length() > 64) {
            return "OTHER";
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '-';
            if (!allowed) {
                return "OTHER";
            }
        }
        return code;
    }

    /** A message as the event's rule allows it: no NUL, not empty, bounded. */
    private static String message(String msg) {
        String text = msg == null || msg.isEmpty() ? "failed" : msg.replace('\0', ' ');
        return text.length() > MAX_MSG ? text.substring(0, MAX_MSG) : text;
    }
}
