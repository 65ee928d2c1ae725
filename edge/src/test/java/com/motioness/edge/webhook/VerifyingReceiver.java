package com.motioness.edge.webhook;

import com.motioness.protocol.webhook.WebhookSecret;
import com.motioness.protocol.webhook.WebhookSignature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A customer's webhook receiver on 127.0.0.1, port 0, for process tests: {@code /hook/<name>} is one
 * endpoint, whose secret the test gives once registered. Each delivery is recorded as it arrives
 * (before the answer, as a receiver that stores first would: a dispatcher killed before reading the
 * answer makes the next copy a duplicate), its signature checked, then answered 200 after a delay, so
 * attempts are in flight when a dispatcher dies.
 */
final class VerifyingReceiver implements AutoCloseable {
    /** One delivery that arrived with a valid signature. */
    record Delivery(String endpoint, String messageId, String body) {}

    private static final String PATH = "/hook/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Duration answerAfter;
    private final Map<String, WebhookSecret> secrets = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Set<String> messageIds = ConcurrentHashMap.newKeySet();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger unanswered = new AtomicInteger();

    private VerifyingReceiver(Duration answerAfter) throws IOException {
        this.answerAfter = answerAfter;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        // A thread per request: every answer waits, and the dispatchers keep up to 16 per endpoint in flight.
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "verifying-receiver");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
        server.start();
    }

    /** Starts one that answers each delivery 200 after {@code answerAfter}. */
    static VerifyingReceiver start(Duration answerAfter) throws IOException {
        return new VerifyingReceiver(answerAfter);
    }

    /** The URL of endpoint {@code name}. */
    String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH + name;
    }

    /** The secret deliveries to endpoint {@code name} must be signed with (the one the 201 returned). */
    void expect(String name, WebhookSecret secret) {
        secrets.put(name, secret);
    }

    /** Every validly signed delivery, copies included, in the order they arrived. */
    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** How many distinct {@code webhook-id}s arrived with a valid signature. */
    int uniqueMessages() {
        return messageIds.size();
    }

    /** How many deliveries repeated a {@code webhook-id} already received. */
    int duplicates() {
        return duplicates.get();
    }

    /** Deliveries received and not answered yet: attempts in flight at their dispatchers. */
    int unanswered() {
        return unanswered.get();
    }

    /** What was refused (no or a bad signature, an unknown endpoint), one line each. */
    List<String> refused() {
        return List.copyOf(refused);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String endpoint = exchange.getRequestURI().getPath().substring(PATH.length());
            String id = exchange.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER);
            String timestamp = exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
            String signatures = exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
            if (!signedBy(secrets.get(endpoint), id, timestamp, signatures, body)) {
                refused.add(endpoint + " " + id + " " + signatures);
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            deliveries.add(new Delivery(endpoint, id, new String(body, StandardCharsets.UTF_8)));
            if (!messageIds.add(id)) {
                duplicates.incrementAndGet();
            }
            unanswered.incrementAndGet();
            try {
                LockSupport.parkNanos(answerAfter.toNanos());
                exchange.sendResponseHeaders(200, -1);
            } finally {
                unanswered.decrementAndGet();
            }
        }
    }

    private static boolean signedBy(WebhookSecret secret, String id, String timestamp, String signatures, byte[] body) {
        if (secret == null || id == null || timestamp == null || signatures == null) {
            return false;
        }
        byte[] wanted = WebhookSignature.sign(secret, id, Long.parseLong(timestamp), body)
                .getBytes(StandardCharsets.US_ASCII);
        for (String signature : signatures.split(" ")) {
            if (MessageDigest.isEqual(wanted, signature.getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
