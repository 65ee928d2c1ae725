package com.motioness.edge.webhook.dispatch;

import com.motioness.protocol.EventId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The {@code webhook-id} of a delivery, derived from what it delivers and where: a retry, a job
 * reclaimed after a crash and a redelivery all carry the same id, so receivers deduplicate by it.
 */
public final class MessageIds {
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final int CHARS = 26;

    private MessageIds() {}

    /** {@code msg_} and 26 lower-case base32 characters of SHA-256(endpointId NUL assetId NUL eventId). */
    public static String of(String endpointId, String assetId, EventId eventId) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        sha.update(endpointId.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(assetId.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(eventId.toString().getBytes(StandardCharsets.US_ASCII));
        byte[] digest = sha.digest();
        StringBuilder id = new StringBuilder(4 + CHARS).append("msg_");
        // 26 characters of 5 bits: the first 130 bits of the digest, most significant first.
        for (int i = 0; i < CHARS; i++) {
            int bit = i * 5;
            int twoBytes = ((digest[bit / 8] & 0xff) << 8) | (digest[bit / 8 + 1] & 0xff);
            id.append(BASE32[(twoBytes >>> (11 - bit % 8)) & 0x1f]);
        }
        return id.toString();
    }
}
