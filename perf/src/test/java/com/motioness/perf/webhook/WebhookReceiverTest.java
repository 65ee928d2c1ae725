package com.motioness.perf.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.motioness.protocol.webhook.WebhookSecret;
import com.motioness.protocol.webhook.WebhookSignature;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The receiver against real signed POSTs on real sockets: verification, dedup and every mode. */
class WebhookReceiverTest {
    private static final JsonFactory JSON = new JsonFactory();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final WebhookSecret secret = WebhookSecret.generate();
    private WebhookReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = WebhookReceiver.start("127.0.0.1", 0, 0, 1);
        control("/secrets", "/hook/1 " + secret.reveal() + "\n");
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void acceptsASignedDeliveryAndMeasuresFromTheEventId() throws Exception {
        long eventMs = System.currentTimeMillis() - 40;
        assertEquals(204, deliver("/hook/1", "msg_a", secret, eventMs).statusCode());

        Map<String, String> report = report();
        assertEquals("1", report.get("unique"));
        assertEquals("0", report.get("bad_signatures"));
        assertEquals("1", report.get("latency_ms.count"));
        assertTrue(Double.parseDouble(report.get("latency_ms.max")) >= 40, report.toString());
        assertEquals("1", report.get("endpoints./hook/1.accepted"));
    }

    @Test
    void refusesAWrongSignatureAStaleTimestampAndAnUnknownEndpoint() throws Exception {
        long now = System.currentTimeMillis();
        assertEquals(
                401, deliver("/hook/1", "msg_b", WebhookSecret.generate(), now).statusCode());
        byte[] body = body(now);
        long stale = now / 1000 - SignatureVerifier.TOLERANCE_SECONDS - 10;
        assertEquals(
                401,
                post("/hook/1", "msg_c", stale, WebhookSignature.sign(secret, "msg_c", stale, body), body)
                        .statusCode());
        assertEquals(401, deliver("/hook/2", "msg_d", secret, now).statusCode());

        Map<String, String> report = report();
        assertEquals("0", report.get("unique"));
        assertEquals("1", report.get("bad_signatures"));
        assertEquals("1", report.get("stale_timestamps"));
        assertEquals("1", report.get("unknown_endpoints"));
    }

    @Test
    void acceptsTheStandardWebhooksTestVector() {
        SignatureVerifier verifier = new SignatureVerifier();
        verifier.add("/v", WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
        String id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        String rotated = "v1,bm90IHRoaXMgb25l v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assertEquals(SignatureVerifier.Verdict.OK, verifier.verify("/v", id, "1614265330", rotated, body, 1614265330));
        assertEquals(
                SignatureVerifier.Verdict.BAD_SIGNATURE,
                verifier.verify("/v", id, "1614265330", "v1,bm90IHRoaXMgb25l", body, 1614265330));
    }

    @Test
    void countsASecondAcceptanceOfOneIdAsADuplicate() throws Exception {
        long now = System.currentTimeMillis();
        assertEquals(204, deliver("/hook/1", "msg_e", secret, now).statusCode());
        assertEquals(204, deliver("/hook/1", "msg_e", secret, now).statusCode());
        assertEquals(204, deliver("/hook/1", "msg_f", secret, now).statusCode());

        Map<String, String> report = report();
        assertEquals("2", report.get("unique"));
        assertEquals("1", report.get("duplicates"));
        assertEquals("2", report.get("attempts_per_message_max"));
        assertEquals("2", report.get("latency_ms.count"));
    }

    @Test
    void failsWithTheStatusAskedThenAcceptsTheRetry() throws Exception {
        control("/mode?path=/hook/1&mode=fail:503", "");
        long now = System.currentTimeMillis();
        assertEquals(503, deliver("/hook/1", "msg_g", secret, now).statusCode());
        control("/mode?path=/hook/1&mode=ok", "");
        assertEquals(204, deliver("/hook/1", "msg_g", secret, now).statusCode());

        Map<String, String> report = report();
        assertEquals("1", report.get("unique"));
        assertEquals("0", report.get("duplicates"));
        assertEquals("2", report.get("attempts_per_message_max"));
        assertEquals("1", report.get("endpoints./hook/1.failed"));
    }

    @Test
    void hangsWithoutAnswering() throws Exception {
        control("/mode?path=*&mode=hang", "");
        long now = System.currentTimeMillis();
        byte[] body = body(now);
        HttpRequest request = signed(
                        "/hook/1", "msg_h", now / 1000, WebhookSignature.sign(secret, "msg_h", now / 1000, body), body)
                .timeout(Duration.ofMillis(500))
                .build();
        assertThrows(HttpTimeoutException.class, () -> http.send(request, HttpResponse.BodyHandlers.discarding()));

        Map<String, String> report = report();
        assertEquals("1", report.get("endpoints./hook/1.hung"));
        assertEquals("0", report.get("unique"));
    }

    @Test
    void closesWithoutAnswering() throws Exception {
        control("/mode?path=/hook/1&mode=close", "");
        assertThrows(IOException.class, () -> deliver("/hook/1", "msg_i", secret, System.currentTimeMillis()));
        assertEquals("1", report().get("endpoints./hook/1.closed"));
    }

    @Test
    void resetForgetsTheCountsButKeepsTheSecrets() throws Exception {
        assertEquals(
                204,
                deliver("/hook/1", "msg_k", secret, System.currentTimeMillis()).statusCode());
        control("/reset", "");
        assertEquals("0", report().get("unique"));
        assertEquals("0", report().get("latency_ms.count"));
        assertEquals(
                204,
                deliver("/hook/1", "msg_k", secret, System.currentTimeMillis()).statusCode());
        assertEquals("1", report().get("unique"));
        assertEquals("0", report().get("duplicates"));
    }

    @Test
    void refusesConnectionsWhileDownAndAcceptsOnTheSamePortWhenUp() throws Exception {
        int port = receiver.hookPort();
        control("/down", "");
        assertThrows(ConnectException.class, () -> deliver("/hook/1", "msg_j", secret, System.currentTimeMillis()));
        control("/up", "");
        assertEquals(port, receiver.hookPort());
        assertEquals(
                204,
                deliver("/hook/1", "msg_j", secret, System.currentTimeMillis()).statusCode());
        assertEquals("1", report().get("unique"));
    }

    private HttpResponse<Void> deliver(String path, String id, WebhookSecret by, long eventMs)
            throws IOException, InterruptedException {
        byte[] body = body(eventMs);
        long ts = System.currentTimeMillis() / 1000;
        return post(path, id, ts, WebhookSignature.header(List.of(by), id, ts, body), body);
    }

    private HttpResponse<Void> post(String path, String id, long ts, String signatures, byte[] body)
            throws IOException, InterruptedException {
        return http.send(
                signed(path, id, ts, signatures, body)
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private HttpRequest.Builder signed(String path, String id, long ts, String signatures, byte[] body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.hookPort() + path))
                .header("content-type", "application/json")
                .header(WebhookSignature.ID_HEADER, id)
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
                .header(WebhookSignature.SIGNATURE_HEADER, signatures)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private static byte[] body(long eventMs) {
        return ("{\"id\":\"" + eventMs + "-3\",\"type\":\"ready\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":"
                        + eventMs + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private String control(String pathAndQuery, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.controlPort() + pathAndQuery));
        HttpResponse<String> response = http.send(
                body.isEmpty() && pathAndQuery.equals("/report")
                        ? request.GET().build()
                        : request.POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The report flattened: {@code endpoints./hook/1.accepted} -> its value as text. */
    private Map<String, String> report() throws IOException, InterruptedException {
        Map<String, String> flat = new TreeMap<>();
        try (JsonParser parser = JSON.createParser(control("/report", ""))) {
            StringBuilder prefix = new StringBuilder();
            java.util.ArrayDeque<Integer> lengths = new java.util.ArrayDeque<>();
            String field = null;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                switch (token) {
                    case FIELD_NAME -> field = parser.currentName();
                    case START_OBJECT -> {
                        lengths.push(prefix.length());
                        if (field != null) {
                            prefix.append(field).append('.');
                        }
                    }
                    case END_OBJECT -> prefix.setLength(lengths.pop());
                    default -> flat.put(prefix + field, parser.getText());
                }
            }
        }
        return flat;
    }
}
