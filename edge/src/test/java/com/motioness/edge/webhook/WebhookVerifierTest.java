package com.motioness.edge.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.motioness.edge.support.RealClients;
import com.motioness.edge.support.ReferenceVerifier;
import com.motioness.protocol.webhook.WebhookSecret;
import com.motioness.protocol.webhook.WebhookSignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures made by {@link WebhookSignature} checked by the reference verifier a receiver would use,
 * the npm package {@code standardwebhooks} 1.1.1: bodies as deliveries carry them (event JSON with
 * non-ASCII text, empty, 64 KiB), a rotation's two signatures against either secret, and the
 * tampered, foreign-key and stale deliveries it must refuse.
 */
class WebhookVerifierTest {
    private static final String EVENT = "{\"id\":\"1764300004567-0\",\"type\":\"ready\",\"project_id\":\"p1\","
            + "\"asset_id\":\"a-ünïcode-✓\",\"ts\":\"2026-12-06T10:00:00Z\",\"data\":{\"url\":\"https://cdn/a.mp4\"}}";

    private record Delivery(String secret, String id, long timestamp, String signature, String body) {}

    @Test
    void theReferenceVerifierAcceptsOurSignaturesAndRefusesForgeries(@TempDir Path dir)
            throws IOException, InterruptedException {
        RealClients.requireWebhookVerifier();
        WebhookSecret secret = WebhookSecret.generate();
        WebhookSecret rotated = WebhookSecret.generate();
        long now = System.currentTimeMillis() / 1000;
        String large = "{\"data\":\"" + "x".repeat(64 * 1024) + "\"}";

        List<Delivery> deliveries = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (String body : List.of(EVENT, "", large)) {
            deliveries.add(signed(secret, secret, "msg_" + deliveries.size(), now, body));
            expected.add("VERIFIED");
        }
        // During a rotation both signatures go out; a receiver holding either secret accepts.
        String both = WebhookSignature.header(List.of(rotated, secret), "msg_r", now, bytes(EVENT));
        deliveries.add(new Delivery(secret.reveal(), "msg_r", now, both, EVENT));
        deliveries.add(new Delivery(rotated.reveal(), "msg_r", now, both, EVENT));
        expected.add("VERIFIED");
        expected.add("VERIFIED");
        // Forgeries: another body, another key, a timestamp outside the verifier's 5-minute window.
        Delivery tampered = signed(secret, secret, "msg_t", now, EVENT);
        deliveries.add(new Delivery(
                tampered.secret(), tampered.id(), now, tampered.signature(), EVENT.replace("ready", "failed")));
        deliveries.add(signed(WebhookSecret.generate(), secret, "msg_k", now, EVENT));
        deliveries.add(signed(secret, secret, "msg_s", now - 6 * 60, EVENT));
        expected.add("REJECTED");
        expected.add("REJECTED");
        expected.add("REJECTED");

        Path file = dir.resolve("deliveries.json");
        write(file, deliveries);
        assertEquals(expected, ReferenceVerifier.verdicts(file));
    }

    /** A delivery signed with {@code signer}, to be verified with {@code verifier}'s secret. */
    private static Delivery signed(
            WebhookSecret signer, WebhookSecret verifier, String id, long timestamp, String body) {
        return new Delivery(
                verifier.reveal(), id, timestamp, WebhookSignature.sign(signer, id, timestamp, bytes(body)), body);
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static void write(Path file, List<Delivery> deliveries) throws IOException {
        try (JsonGenerator json = new JsonFactory().createGenerator(Files.newOutputStream(file))) {
            json.writeStartArray();
            for (Delivery delivery : deliveries) {
                json.writeStartObject();
                json.writeStringField("secret", delivery.secret());
                json.writeStringField("body", delivery.body());
                json.writeObjectFieldStart("headers");
                json.writeStringField(WebhookSignature.ID_HEADER, delivery.id());
                json.writeStringField(WebhookSignature.TIMESTAMP_HEADER, Long.toString(delivery.timestamp()));
                json.writeStringField(WebhookSignature.SIGNATURE_HEADER, delivery.signature());
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
        }
    }
}
