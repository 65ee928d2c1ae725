package com.motioness.edge.auth;

import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * better-auth's signed session cookie, read exactly as better-auth (better-call) signs it:
 * {@code percent-encoded(token "." base64(HMAC-SHA256(secret, token)))}. See
 * ../shared/reference/better-auth-sessions.md for the grammar and the test vectors.
 *
 * <p>Pitfalls this class keeps clear of: the value is percent-decoded only when it holds a
 * {@code %} and never with a form decoder (which would turn {@code +} into a space); the split is
 * on the LAST dot; the signature is exactly 44 characters ending in one {@code =}; the comparison
 * is constant-time.
 */
public final class SignedSessionCookie {
    private static final String HMAC = "HmacSHA256";
    private static final int SIGNATURE_LENGTH = 44;

    private final String plainName;
    private final String secureName;
    private final SecretKeySpec key;

    /**
     * @param cookiePrefix better-auth's cookie prefix, {@code better-auth} unless the app sets
     *     {@code advanced.cookiePrefix}
     * @param secret the app's secret; its UTF-8 bytes are the HMAC key (never base64-decoded)
     */
    public SignedSessionCookie(String cookiePrefix, String secret) {
        this.plainName = cookiePrefix + ".session_token";
        this.secureName = "__Secure-" + plainName;
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
    }

    /**
     * The session token of a request's Cookie header, or null when there is no session cookie or
     * its signature does not verify. The first cookie with either name wins, as in better-auth.
     */
    public String verifiedToken(String cookieHeader) {
        if (cookieHeader == null) {
            return null;
        }
        for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(cookieHeader)) {
            if (plainName.equals(cookie.name()) || secureName.equals(cookie.name())) {
                return verify(cookie.value());
            }
        }
        return null;
    }

    /** The token of a signed cookie value, or null when it does not verify. */
    public String verify(String value) {
        if (value == null) {
            return null;
        }
        String raw = value;
        if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
            raw = raw.substring(1, raw.length() - 1);
        }
        if (raw.indexOf('%') >= 0) {
            try {
                // URLDecoder would turn '+' into a space: protect it, as better-call's decoder keeps it.
                raw = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return null;
            }
        }
        int dot = raw.lastIndexOf('.');
        if (dot <= 0) {
            return null;
        }
        String token = raw.substring(0, dot);
        String signature = raw.substring(dot + 1);
        if (signature.length() != SIGNATURE_LENGTH || !signature.endsWith("=") || signature.endsWith("==")) {
            return null;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        // Java's decoder ignores the two spare bits of the last character, so four spellings
        // decode alike; better-auth only ever writes the canonical one, so only that one passes.
        if (!Base64.getEncoder().encodeToString(presented).equals(signature)) {
            return null;
        }
        return MessageDigest.isEqual(presented, sign(token)) ? token : null;
    }

    private byte[] sign(String token) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    /**
     * The secret better-auth would sign with, from its environment variables: BETTER_AUTH_SECRETS
     * (versioned, "2:abc,1:xyz": the first entry's value), else BETTER_AUTH_SECRET, else
     * AUTH_SECRET, else better-auth's development default.
     */
    public static String secretFromEnvironment(java.util.Map<String, String> env) {
        String versioned = env.get("BETTER_AUTH_SECRETS");
        if (versioned != null && !versioned.isBlank()) {
            String first = versioned.split(",", 2)[0].trim();
            int colon = first.indexOf(':');
            return colon >= 0 ? first.substring(colon + 1) : first;
        }
        String secret = env.get("BETTER_AUTH_SECRET");
        if (secret == null || secret.isEmpty()) {
            secret = env.get("AUTH_SECRET");
        }
        return secret == null || secret.isEmpty() ? "better-auth-secret-12345678901234567890" : secret;
    }
}
