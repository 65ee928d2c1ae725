package com.motioness.protocol.webhook;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * An endpoint's signing secret as Standard Webhooks writes it: {@code whsec_} and the base64 of
 * random bytes, whose decoded bytes are the HMAC-SHA256 key. Its {@link #toString()} never shows
 * it, so a secret that reaches a log line by accident stays secret; {@link #reveal()} is for the
 * two answers that hand it out (creation and rotation).
 */
public final class WebhookSecret {
    /** The prefix every secret carries. */
    public static final String PREFIX = "whsec_";
    /** Key bytes of a generated secret: 32, above the 24 Standard Webhooks asks at least. */
    public static final int GENERATED_BYTES = 32;

    private static final int MIN_BYTES = 24;
    private static final int MAX_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String text;
    private final byte[] key;

    private WebhookSecret(String text, byte[] key) {
        this.text = text;
        this.key = key;
    }

    /** A new secret of {@value #GENERATED_BYTES} random bytes. */
    public static WebhookSecret generate() {
        byte[] key = new byte[GENERATED_BYTES];
        RANDOM.nextBytes(key);
        return new WebhookSecret(PREFIX + Base64.getEncoder().encodeToString(key), key);
    }

    /**
     * Reads a stored secret.
     *
     * @throws IllegalArgumentException when it lacks the prefix, is not base64, or its key is not
     *     24 to 64 bytes (the message never contains the secret)
     */
    public static WebhookSecret parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is " + PREFIX + " and base64");
        }
        if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw new IllegalArgumentException(
                    "a webhook secret's key is " + MIN_BYTES + " to " + MAX_BYTES + " bytes, got " + key.length);
        }
        return new WebhookSecret(text, key);
    }

    /** The secret as the endpoint's owner stores it ({@code whsec_...}). */
    public String reveal() {
        return text;
    }

    /** The HMAC key: a copy, so no caller can change the secret. */
    byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object other) {
        // Constant time, as any comparison of secrets should be.
        return other instanceof WebhookSecret that && MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** Never the secret itself. */
    @Override
    public String toString() {
        return PREFIX + "(redacted)";
    }
}
