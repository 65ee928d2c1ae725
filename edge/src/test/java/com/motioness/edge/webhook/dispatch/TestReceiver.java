package com.motioness.edge.webhook.dispatch;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A webhook receiver on 127.0.0.1, port 0: answers each POST with the status its script gives for
 * the request's number (from 1), or hangs when the status is 0, and records what it received.
 */
final class TestReceiver implements AutoCloseable {
    /** One request as received. */
    record Received(Map<String, List<String>> headers, byte[] body, long atMs, int status) {
        String header(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile IntUnaryOperator script;

    private TestReceiver(IntUnaryOperator script) throws IOException {
        this.script = script;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "test-receiver");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            int status = this.script.applyAsInt(count.incrementAndGet());
            received.add(
                    new Received(Map.copyOf(exchange.getRequestHeaders()), body, System.currentTimeMillis(), status));
            if (status == 0) {
                try {
                    released.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** Answers every request with {@code status}. */
    static TestReceiver answering(int status) throws IOException {
        return new TestReceiver(n -> status);
    }

    /** Answers request n with {@code script(n)}; 0 hangs. */
    static TestReceiver scripted(IntUnaryOperator script) throws IOException {
        return new TestReceiver(script);
    }

    void answer(IntUnaryOperator newScript) {
        script = newScript;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
