package com.motioness.edge.admin;

import com.motioness.edge.metrics.EdgeMetrics;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port: {@code GET /metrics} (Prometheus text format), {@code GET /healthz} (the process
 * is alive) and {@code GET /readyz} (it should get traffic). Never on the public port.
 *
 * <p>The JDK's own HTTP server on one thread of its own: a scrape and a probe or two per second
 * need nothing more, no new dependency, and never run on an event loop that serves streams.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final byte[] ALIVE = "{\"status\":\"alive\"}\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] READY = "{\"status\":\"ready\"}\n".getBytes(StandardCharsets.US_ASCII);
    private static final String JSON = "application/json";

    private final HttpServer server;
    private final ExecutorService executor;
    private final EdgeMetrics metrics;
    private final Supplier<Readiness> readiness;

    private AdminServer(HttpServer server, EdgeMetrics metrics, Supplier<Readiness> readiness) {
        this.server = server;
        this.metrics = metrics;
        this.readiness = readiness;
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "motioness-admin");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * Binds and starts the admin server.
     *
     * @param address port 0 for any free port
     * @throws IOException the address cannot be bound (taken, not this machine's)
     */
    public static AdminServer start(InetSocketAddress address, EdgeMetrics metrics, Supplier<Readiness> readiness)
            throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        AdminServer admin = new AdminServer(server, metrics, readiness);
        server.start();
        LOG.info("admin listening on {} (/metrics, /healthz, /readyz)", server.getAddress());
        return admin;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, JSON, error("method_not_allowed", "the admin port answers GET"));
                return;
            }
            switch (path) {
                case "/metrics" -> {
                    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
                    metrics.writeText(body);
                    send(exchange, 200, EdgeMetrics.CONTENT_TYPE, body.toByteArray());
                }
                case "/healthz" -> send(exchange, 200, JSON, ALIVE);
                case "/readyz" -> {
                    Readiness now = readiness.get();
                    if (now.ready()) {
                        send(exchange, 200, JSON, READY);
                    } else {
                        send(
                                exchange,
                                503,
                                JSON,
                                ("{\"status\":\"not_ready\",\"problem\":\"" + escape(now.problem()) + "\"}\n")
                                        .getBytes(StandardCharsets.UTF_8));
                    }
                }
                default ->
                    send(exchange, 404, JSON, error("not_found", "the admin port has /metrics, /healthz, /readyz"));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("admin request failed: {}", e.toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] error(String code, String message) {
        return ("{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}\n").getBytes(StandardCharsets.UTF_8);
    }

    /** JSON string escaping for a problem text that may quote an exception. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text == null ? 0 : text.length() + 8);
        if (text == null) {
            return "";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Stops answering at once and frees the port. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
