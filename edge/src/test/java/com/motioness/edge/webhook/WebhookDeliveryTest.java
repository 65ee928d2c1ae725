package com.motioness.edge.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.motioness.edge.config.WebhookSettings;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Lifecycle;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.RealClients;
import com.motioness.edge.support.ReferenceVerifier;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventType;
import com.motioness.protocol.webhook.WebhookSignature;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks as a customer meets them, on one embedded edge: an endpoint registered over the API
 * receives its project's events as signed POSTs that the reference verifier (npm
 * {@code standardwebhooks}) accepts, each attempt shows on the feeds, and a delivery that fails
 * every attempt is dead-lettered and sent again on request.
 */
class WebhookDeliveryTest {
    private static final String AUTH = "Authorization: Bearer " + TestEdge.INGEST_TOKEN;

    private final List<Delivery> received = new CopyOnWriteArrayList<>();
    /** The status the receiver answers with. */
    private final AtomicInteger answer = new AtomicInteger(204);

    private HttpServer receiver;
    private TestEdge edge;

    private record Delivery(String id, String timestamp, String signature, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        receiver.createContext("/hook", exchange -> {
            try (exchange;
                    InputStream in = exchange.getRequestBody()) {
                received.add(new Delivery(
                        exchange.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER),
                        exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                        exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER),
                        exchange.getRequestHeaders().getFirst("content-type"),
                        in.readAllBytes()));
                exchange.sendResponseHeaders(answer.get(), -1);
            }
        });
        receiver.start();
        edge = TestEdge.start(config -> config.webhooks(true)
                .set(WebhookSettings.ALLOW_HTTP, true)
                .set(WebhookSettings.ALLOW_PRIVATE, true)
                .set(WebhookSettings.TIMEOUT, Duration.ofSeconds(2))
                .set(
                        WebhookSettings.RETRY_SCHEDULE,
                        List.of(
                                Duration.ZERO,
                                Duration.ofMillis(50),
                                Duration.ofMillis(50),
                                Duration.ofMillis(50),
                                Duration.ofMillis(50)))
                .set(WebhookSettings.POLL, Duration.ofMillis(10)));
    }

    @AfterEach
    void stop() {
        edge.close();
        receiver.stop(0);
    }

    @Test
    void aRegisteredEndpointReceivesSignedDeliveriesThatTheReferenceVerifierAccepts(@TempDir Path dir)
            throws Exception {
        RealClients.requireWebhookVerifier();
        String secret = register("[\"r2_write_completed\",\"ready\"]");
        List<AssetEvent> lifecycle = Lifecycle.of(TestEdge.PROJECT, "a-hooked").stream()
                .filter(event -> !event.type().isWebhook())
                .toList();
        // Up to the storage write: its delivery is reported in the asset's own stream, which the
        // terminal event has not ended yet.
        edge.server().log().append(lifecycle.subList(0, lifecycle.size() - 1)).get();
        Poll.until(() -> received.size() == 1, Duration.ofSeconds(10), "the storage write's delivery");
        try (SseClient stream = SseClient.open(edge.port(), "/v1/" + TestEdge.KEY + "/events/a-hooked")) {
            stream.until(block -> "webhook_delivered".equals(block.event()), Duration.ofSeconds(5));
        }
        edge.server()
                .log()
                .append(lifecycle.subList(lifecycle.size() - 1, lifecycle.size()))
                .get();
        Poll.until(() -> received.size() == 2, Duration.ofSeconds(10), "the terminal event's delivery");

        // Each body is the event exactly as the asset stream's data: line carries it, its id first.
        List<SseBlock> replay = replay("a-hooked", EventType.READY);
        for (Delivery delivery : received) {
            assertEquals("application/json", delivery.contentType());
            SseBlock event = replay.stream()
                    .filter(block -> block.isEvent()
                            && delivery.text()
                                    .equals("{\"id\":\"" + block.id() + "\","
                                            + block.data().substring(1)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no event of the stream is " + delivery.text()));
            assertTrue(
                    event.event().equals("r2_write_completed") || event.event().equals("ready"), event.event());
        }
        assertEquals(List.of("VERIFIED", "VERIFIED"), verify(dir, secret, received));
        List<String> types = replayTypes("a-hooked");
        assertTrue(
                types.indexOf("r2_write_completed") < types.indexOf("webhook_dispatched")
                        && types.indexOf("webhook_delivered") < types.indexOf("ready"),
                types.toString());
        // The terminal event's delivery is reported on the project's feed, which goes on after the asset's end.
        String readyDelivery = received.stream()
                .filter(d -> d.text().contains("\"type\":\"ready\""))
                .findFirst()
                .orElseThrow()
                .id();
        try (SseClient feed = SseClient.open(
                edge.port(),
                "/api/projects/" + TestEdge.PROJECT + "/activity",
                "Cookie: better-auth.session_token=" + TestEdge.SESSION,
                "Last-Event-ID: 0")) {
            SseBlock delivered = feed.until(
                    block -> "webhook_delivered".equals(block.event())
                            && block.data().contains(readyDelivery),
                    Duration.ofSeconds(5));
            assertTrue(delivered.data().matches(".*\"attempt\":1,\"latency_ms\":\\d+,.*"), delivered.data());
        }
    }

    @Test
    void aDeliveryRefusedFiveTimesIsDeadLetteredThenSentAgainOnRequest() throws Exception {
        register("[\"ready\"]");
        answer.set(503);
        edge.server()
                .log()
                .append(List.of(Events.of(EventType.READY, TestEdge.PROJECT, "a-refused")))
                .get();

        Poll.until(() -> received.size() == 5, Duration.ofSeconds(10), "five attempts");
        String messageId = received.get(0).id();
        for (Delivery attempt : received) {
            assertEquals(messageId, attempt.id(), "one webhook-id across the retries, for deduplication");
        }
        try (SseClient feed = SseClient.open(
                edge.port(),
                "/api/projects/" + TestEdge.PROJECT + "/activity",
                "Cookie: better-auth.session_token=" + TestEdge.SESSION,
                "Last-Event-ID: 0")) {
            SseBlock dead = feed.until(block -> "webhook_dead_letter".equals(block.event()), Duration.ofSeconds(5));
            assertTrue(
                    dead.data().contains("\"attempt\":5") && dead.data().contains("\"error_code\":\"HTTP_503\""),
                    dead.data());
        }
        Thread.sleep(300);
        assertEquals(5, received.size(), "no sixth attempt");

        RawResponse letters = call("GET", "/webhooks/dead-letters", null);
        assertEquals(200, letters.status());
        assertTrue(letters.bodyText().contains("\"message_id\":\"" + messageId + "\""), letters.bodyText());
        answer.set(200);
        assertEquals(
                202,
                call("POST", "/webhooks/dead-letters/" + messageId + "/redeliver", null)
                        .status());
        Poll.until(() -> received.size() == 6, Duration.ofSeconds(5), "the redelivery");
        assertEquals(messageId, received.get(5).id(), "a redelivery keeps the webhook-id");
        assertTrue(call("GET", "/webhooks/dead-letters", null).bodyText().contains("[]"));
    }

    /** Registers the receiver for {@code eventTypes} (a JSON array) over the API; answers its secret. */
    private String register(String eventTypes) throws IOException {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        RawResponse created = call("POST", "/webhooks", "{\"url\":\"" + url + "\",\"event_types\":" + eventTypes + "}");
        assertEquals(201, created.status(), created.bodyText());
        Matcher secret = Pattern.compile("\"secret\":\"(whsec_[^\"]+)\"").matcher(created.bodyText());
        assertTrue(secret.find(), created.bodyText());
        return secret.group(1);
    }

    private RawResponse call(String method, String path, String body) throws IOException {
        return HttpWire.exchange(
                edge.port(), HttpWire.request(method, "/internal/projects/" + TestEdge.PROJECT + path, body, AUTH));
    }

    private List<SseBlock> replay(String asset, EventType until) throws Exception {
        try (SseClient stream = SseClient.open(edge.port(), "/v1/" + TestEdge.KEY + "/events/" + asset)) {
            stream.until(block -> until.wireName().equals(block.event()), Duration.ofSeconds(5));
            assertTrue(stream.awaitEnd(Duration.ofSeconds(5)), "the stream ends at the terminal event");
            return SseClient.parseBlocks(stream.rawBody());
        }
    }

    private List<String> replayTypes(String asset) {
        try {
            List<String> types = new ArrayList<>();
            for (SseBlock block : replay(asset, EventType.READY)) {
                if (block.isEvent()) {
                    types.add(block.event());
                }
            }
            return types;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> verify(Path dir, String secret, List<Delivery> deliveries)
            throws IOException, InterruptedException {
        Path file = dir.resolve("deliveries.json");
        try (JsonGenerator json = new JsonFactory().createGenerator(Files.newOutputStream(file))) {
            json.writeStartArray();
            for (Delivery delivery : deliveries) {
                json.writeStartObject();
                json.writeStringField("secret", secret);
                json.writeStringField("body", delivery.text());
                json.writeObjectFieldStart("headers");
                json.writeStringField(WebhookSignature.ID_HEADER, delivery.id());
                json.writeStringField(WebhookSignature.TIMESTAMP_HEADER, delivery.timestamp());
                json.writeStringField(WebhookSignature.SIGNATURE_HEADER, delivery.signature());
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        return ReferenceVerifier.verdicts(file);
    }
}
