package com.motioness.protocol.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code webhook-signature} header of a Standard Webhooks delivery: {@code v1,} and the base64
 * HMAC-SHA256, under the endpoint's secret, of {@code <webhook-id>.<webhook-timestamp>.<body>}. While a
 * secret is being rotated a delivery carries one signature per secret, separated by spaces, and a
 * receiver accepts it if any matches: the old secret keeps working until its grace period ends.
 */
public final class WebhookSignature {
    /** The message's id: the same on every retry of one event to one endpoint. */
    public static final String ID_HEADER = "webhook-id";
    /** When the attempt was signed, Unix seconds. */
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    /** The signatures, {@code v1,<base64>}, space-separated. */
    public static final String SIGNATURE_HEADER = "webhook-signature";

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte DOT = '.';

    private WebhookSignature() {}

    /**
     * One signature, {@code v1,<base64>}.
     *
     * @param messageId the delivery's {@code webhook-id}, the same on every retry
     * @param timestampSeconds the attempt's {@code webhook-timestamp}, Unix seconds
     * @param body the exact bytes sent as the body
     */
    public static String sign(WebhookSecret secret, String messageId, long timestampSeconds, byte[] body) {
        Mac mac = mac(secret);
        mac.update(messageId.getBytes(StandardCharsets.UTF_8));
        mac.update(DOT);
        mac.update(Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII));
        mac.update(DOT);
        mac.update(body);
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
    }

    /** The header's value: one signature per secret, in the order given (the newest first). */
    public static String header(List<WebhookSecret> secrets, String messageId, long timestampSeconds, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a delivery is signed by at least one secret");
        }
        StringJoiner signatures = new StringJoiner(" ");
        for (WebhookSecret secret : secrets) {
            signatures.add(sign(secret, messageId, timestampSeconds, body));
        }
        return signatures.toString();
    }

    private static Mac mac(WebhookSecret secret) {
        try {
            // A Mac per signature: deliveries are signed on many threads and Mac is not thread-safe;
            // at webhook rates (thousands a second at most) the instance is cheap next to the POST.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.key(), ALGORITHM));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every JDK has HmacSHA256, and any non-empty key fits it.
            throw new IllegalStateException(e);
        }
    }
}
