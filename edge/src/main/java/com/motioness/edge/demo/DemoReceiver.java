package com.motioness.edge.demo;

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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customer endpoint of {@code --demo}: a small receiver on loopback that checks each delivery's
 * signature as a real receiver must, and fails on purpose so the retry and dead-letter paths show
 * in the first minute: every sixth asset from the third ({@code demo-asset-3}, 9, ...) is refused
 * with 503 on every attempt, so it dead-letters; every sixth from the sixth is refused on its first
 * attempt only, so it is delivered on its second.
 */
public final class DemoReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoReceiver.class);
    private static final Pattern ASSET_NUMBER = Pattern.compile("\"asset_id\":\"demo-asset-(\\d+)\"");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
    private volatile WebhookSecret secret;

    private DemoReceiver(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts listening on a free loopback port. */
    public static DemoReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "motioness-demo-receiver");
            thread.setDaemon(true);
            return thread;
        });
        DemoReceiver receiver = new DemoReceiver(server, executor);
        server.createContext("/hooks/demo", receiver::handle);
        server.setExecutor(executor);
        server.start();
        return receiver;
    }

    /** The URL to register. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/demo";
    }

    /** The secret the endpoint was registered with, which deliveries must be signed with. */
    public void expectSecret(WebhookSecret endpointSecret) {
        this.secret = endpointSecret;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(64 * 1024);
            }
            String id = exchange.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER);
            String timestamp = exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
            String signatures = exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
            if (!"POST".equals(exchange.getRequestMethod()) || !verified(id, timestamp, signatures, body)) {
                LOG.warn("demo receiver: refused a delivery without a valid signature (webhook-id {})", id);
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            exchange.sendResponseHeaders(answer(id, new String(body, StandardCharsets.UTF_8)), -1);
        }
    }

    private boolean verified(String id, String timestamp, String signatures, byte[] body) {
        WebhookSecret expected = secret;
        if (expected == null || id == null || timestamp == null || signatures == null) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] wanted = WebhookSignature.sign(expected, id, seconds, body).getBytes(StandardCharsets.US_ASCII);
        for (String signature : signatures.split(" ")) {
            if (MessageDigest.isEqual(wanted, signature.getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    private int answer(String messageId, String body) {
        Matcher asset = ASSET_NUMBER.matcher(body);
        long n = asset.find() ? Long.parseLong(asset.group(1)) : 1;
        if (n % 6 == 3) {
            return 503;
        }
        if (n % 6 == 0 && refusedOnce.add(messageId)) {
            return 503;
        }
        return 204;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
