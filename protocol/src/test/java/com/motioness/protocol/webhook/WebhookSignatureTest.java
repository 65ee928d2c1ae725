package com.motioness.protocol.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    /** The specification's own example (Standard Webhooks 1.0), checked independently with Python's hmac. */
    private static final WebhookSecret SPEC_SECRET = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

    private static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsTheSpecificationsExample() {
        assertEquals(
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                WebhookSignature.sign(SPEC_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, SPEC_BODY));
    }

    @Test
    void everyPartOfTheSignedContentCounts() {
        String signed = WebhookSignature.sign(SPEC_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, SPEC_BODY);
        assertNotEquals(signed, WebhookSignature.sign(SPEC_SECRET, "msg_other", 1614265330, SPEC_BODY));
        assertNotEquals(
                signed, WebhookSignature.sign(SPEC_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, SPEC_BODY));
        assertNotEquals(
                signed,
                WebhookSignature.sign(
                        SPEC_SECRET,
                        "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        1614265330,
                        "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(
                signed,
                WebhookSignature.sign(WebhookSecret.generate(), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, SPEC_BODY));
    }

    @Test
    void aRotationSignsWithEachSecretInOrder() {
        WebhookSecret next = WebhookSecret.generate();
        String header = WebhookSignature.header(List.of(next, SPEC_SECRET), "msg_1", 1614265330, SPEC_BODY);
        String[] signatures = header.split(" ");
        assertEquals(2, signatures.length);
        assertEquals(WebhookSignature.sign(next, "msg_1", 1614265330, SPEC_BODY), signatures[0]);
        assertEquals(WebhookSignature.sign(SPEC_SECRET, "msg_1", 1614265330, SPEC_BODY), signatures[1]);
        assertThrows(IllegalArgumentException.class, () -> WebhookSignature.header(List.of(), "m", 1, SPEC_BODY));
    }

    @Test
    void aGeneratedSecretIsThirtyTwoRandomBytesAndReadsBack() {
        WebhookSecret secret = WebhookSecret.generate();
        assertTrue(secret.reveal().startsWith("whsec_"));
        assertEquals(32, Base64.getDecoder().decode(secret.reveal().substring(6)).length);
        assertEquals(secret, WebhookSecret.parse(secret.reveal()));
        assertNotEquals(secret, WebhookSecret.generate());
    }

    @Test
    void aSecretNeverShowsInItsTextForm() {
        WebhookSecret secret = WebhookSecret.generate();
        assertEquals("whsec_(redacted)", secret.toString());
        assertFalse(String.valueOf(secret).contains(secret.reveal().substring(6)));
    }

    @Test
    void aMalformedSecretIsRefusedWithoutEchoingIt() {
        String notBase64 = "whsec_not*base64*at*all*here*0123456789";
        for (String bad : new String[] {
            null,
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            notBase64,
            "whsec_" + Base64.getEncoder().encodeToString(new byte[23]),
            "whsec_" + Base64.getEncoder().encodeToString(new byte[65])
        }) {
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> WebhookSecret.parse(bad), String.valueOf(bad));
            if (bad != null) {
                assertFalse(
                        refused.getMessage().contains(bad.substring(Math.min(6, bad.length()))), refused.getMessage());
            }
        }
        assertEquals(
                24,
                WebhookSecret.parse("whsec_" + Base64.getEncoder().encodeToString(new byte[24]))
                        .key()
                        .length);
        assertEquals(
                64,
                WebhookSecret.parse("whsec_" + Base64.getEncoder().encodeToString(new byte[64]))
                        .key()
                        .length);
    }
}
