package com.motioness.perf.webhook;

import com.motioness.protocol.webhook.WebhookSecret;
import com.motioness.protocol.webhook.WebhookSignature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for an edge with {@code --webhooks} so the load driver can be tested before the
 * dispatcher exists: the endpoint API answers 201 with an id and a secret, and each event the
 * ingest takes is POSTed at once, signed, to every endpoint of its project, with its id first.
 */
final class FakeWebhookEdge implements AutoCloseable {
    private static final Pattern PROJECT = Pattern.compile("\"project_id\":\"([^\"]+)\"");
    private static final Pattern TYPE = Pattern.compile("\"type\":\"([^\"]+)\"");

    private record Endpoint(String id, String url, WebhookSecret secret) {}

    private final HttpServer server;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, List<Endpoint>> endpointsOf = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    FakeWebhookEdge(String token) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("authorization"))) {
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                String path = exchange.getRequestURI().getPath();
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (path.equals("/internal/events")) {
                    ingest(body);
                    answer(exchange, 200, "{}");
                } else if (path.startsWith("/internal/projects/") && path.endsWith("/webhooks")) {
                    answer(exchange, 201, register(path.split("/")[3], body));
                } else {
                    exchange.sendResponseHeaders(404, -1);
                }
            }
        });
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private String register(String project, String body) {
        Matcher url = Pattern.compile("\"url\":\"([^\"]+)\"").matcher(body);
        if (!url.find()) {
            throw new IllegalArgumentException("no url");
        }
        Endpoint endpoint = new Endpoint("ep_" + sequence.incrementAndGet(), url.group(1), WebhookSecret.generate());
        endpointsOf.computeIfAbsent(project, p -> new CopyOnWriteArrayList<>()).add(endpoint);
        return "{\"id\":\"" + endpoint.id() + "\",\"url\":\"" + endpoint.url()
                + "\",\"event_types\":[\"stage_started\"],\"enabled\":true,\"secret\":\""
                + endpoint.secret().reveal() + "\"}";
    }

    private void ingest(String array) {
        // The harness's events are flat objects: split the array between them.
        for (String event : array.substring(2, array.length() - 2).split("\\},\\{")) {
            Matcher type = TYPE.matcher(event);
            Matcher project = PROJECT.matcher(event);
            if (!type.find() || !type.group(1).equals("stage_started") || !project.find()) {
                continue;
            }
            String eventId = System.currentTimeMillis() + "-" + sequence.incrementAndGet();
            byte[] body = ("{\"id\":\"" + eventId + "\"," + event + "}").getBytes(StandardCharsets.UTF_8);
            for (Endpoint endpoint : endpointsOf.getOrDefault(project.group(1), List.of())) {
                String messageId = "msg_" + endpoint.id() + "_" + eventId;
                long ts = System.currentTimeMillis() / 1000;
                http.sendAsync(
                        HttpRequest.newBuilder(URI.create(endpoint.url()))
                                .timeout(Duration.ofSeconds(1))
                                .header("content-type", "application/json")
                                .header(WebhookSignature.ID_HEADER, messageId)
                                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
                                .header(
                                        WebhookSignature.SIGNATURE_HEADER,
                                        WebhookSignature.header(List.of(endpoint.secret()), messageId, ts, body))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
