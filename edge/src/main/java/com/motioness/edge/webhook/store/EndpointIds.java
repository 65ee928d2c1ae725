package com.motioness.edge.webhook.store;

import java.security.SecureRandom;

/** New endpoint ids: {@code ep_} and 26 lower-case base32 characters (RFC 4648) of 16 random bytes. */
final class EndpointIds {
    static final String PREFIX = "ep_";
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private EndpointIds() {}

    static String next() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return PREFIX + base32(random);
    }

    /** Unpadded lower-case base32: 5 bits per character, the last one zero-filled. */
    static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
