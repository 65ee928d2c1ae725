package com.motioness.perf.webhook;

import com.motioness.protocol.webhook.WebhookSecret;
import com.motioness.protocol.webhook.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Checks a delivery as a Standard Webhooks receiver does: one of the {@code v1,} signatures must
 * match one of the endpoint's secrets (compared in constant time), and the timestamp must be
 * within five minutes of this clock. Secrets are given per endpoint path.
 */
final class SignatureVerifier {
    /** Standard Webhooks' replay tolerance. */
    static final long TOLERANCE_SECONDS = 300;

    /** What a check found. */
    enum Verdict {
        OK,
        UNKNOWN_ENDPOINT,
        STALE_TIMESTAMP,
        BAD_SIGNATURE
    }

    private final Map<String, List<WebhookSecret>> secretsByPath = new ConcurrentHashMap<>();

    /** Adds a secret of the endpoint at {@code path}; an endpoint may have several (rotation). */
    void add(String path, WebhookSecret secret) {
        secretsByPath.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(secret);
    }

    /** Endpoints with at least one secret. */
    int endpoints() {
        return secretsByPath.size();
    }

    Verdict verify(String path, String messageId, String timestamp, String signatures, byte[] body, long nowSeconds) {
        List<WebhookSecret> secrets = secretsByPath.get(path);
        if (secrets == null) {
            return Verdict.UNKNOWN_ENDPOINT;
        }
        if (messageId == null || timestamp == null || signatures == null) {
            return Verdict.BAD_SIGNATURE;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return Verdict.BAD_SIGNATURE;
        }
        if (Math.abs(nowSeconds - seconds) > TOLERANCE_SECONDS) {
            return Verdict.STALE_TIMESTAMP;
        }
        for (WebhookSecret secret : secrets) {
            byte[] expected =
                    WebhookSignature.sign(secret, messageId, seconds, body).getBytes(StandardCharsets.US_ASCII);
            for (String given : signatures.split(" ")) {
                if (MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII))) {
                    return Verdict.OK;
                }
            }
        }
        return Verdict.BAD_SIGNATURE;
    }
}
