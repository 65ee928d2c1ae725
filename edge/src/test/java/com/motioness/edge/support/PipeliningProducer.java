package com.motioness.edge.support;

import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A producer on one keep-alive connection that keeps {@code depth} ingest POSTs in flight
 * (pipelined), one event each with a request_id of its own, until the server closes the
 * connection. Records what each request was answered: HTTP answers keep the order of requests,
 * so the n-th answer belongs to the n-th request; requests still outstanding when the
 * connection ends were never answered.
 */
public final class PipeliningProducer implements AutoCloseable {
    /** No answer: the connection ended first. */
    public static final int UNANSWERED = 0;

    /** One request and its answer ({@link #UNANSWERED}, or the status and body). */
    public record Outcome(String requestId, int status, String body, long answeredAtNanos) {}

    private final String project;
    private final String asset;
    private final int depth;
    private final List<Outcome> outcomes = new ArrayList<>();
    private final AtomicInteger ok = new AtomicInteger();
    private final Thread thread;
    private volatile Socket socket;
    private volatile boolean stopped;

    private PipeliningProducer(String project, String asset, int depth) {
        this.project = project;
        this.asset = asset;
        this.depth = depth;
        this.thread = new Thread(this::run, "producer-" + asset);
        thread.setDaemon(true);
    }

    /** Connects and starts producing events of {@code asset} in {@code project} to the edge on {@code port}. */
    public static PipeliningProducer start(int port, String project, String asset, int depth) throws IOException {
        PipeliningProducer producer = new PipeliningProducer(project, asset, depth);
        producer.socket = HttpWire.connect(port);
        producer.thread.start();
        return producer;
    }

    /** Requests answered 200 so far. */
    public int answeredOk() {
        return ok.get();
    }

    /** Waits until the server ended the connection (or {@code timeoutMillis} passed), then returns every outcome. */
    public List<Outcome> awaitEnd(long timeoutMillis) throws InterruptedException {
        thread.join(timeoutMillis);
        if (thread.isAlive()) {
            throw new AssertionError(
                    "producer " + asset + ": the server did not end its connection in " + timeoutMillis + " ms");
        }
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    private void run() {
        ArrayDeque<String> outstanding = new ArrayDeque<>();
        int sent = 0;
        boolean sending = true;
        try (Socket connection = socket) {
            OutputStream out = connection.getOutputStream();
            InputStream in = connection.getInputStream();
            while (!stopped) {
                try {
                    while (sending && outstanding.size() < depth) {
                        String requestId = asset + "-r" + sent++;
                        // Counted before it is written: a write that fails may still have reached the server.
                        outstanding.add(requestId);
                        out.write(request(project, asset, requestId).getBytes(StandardCharsets.UTF_8));
                    }
                    out.flush();
                } catch (IOException refused) {
                    // The server stopped reading; the answers it sent may still be waiting here.
                    sending = false;
                }
                if (outstanding.isEmpty()) {
                    break;
                }
                RawResponse answer = HttpWire.readResponse(in);
                record(outstanding.poll(), answer.status(), answer.bodyText());
                if ("close".equalsIgnoreCase(answer.header("connection"))) {
                    break;
                }
            }
        } catch (IOException endedByServer) {
            // EOF or a reset: whatever is outstanding was not answered.
        }
        for (String requestId : outstanding) {
            record(requestId, UNANSWERED, "", 0);
        }
    }

    private void record(String requestId, int status, String body) {
        if (status == 200) {
            ok.incrementAndGet();
        }
        record(requestId, status, body, System.nanoTime());
    }

    private void record(String requestId, int status, String body, long at) {
        synchronized (outcomes) {
            outcomes.add(new Outcome(requestId, status, body, at));
        }
    }

    /** A keep-alive ingest request of one valid event with this request_id, as raw HTTP/1.1. */
    public static String request(String project, String asset, String requestId) {
        String body = new String(
                EventJson.encode(Events.of(EventType.QUEUED, project, asset, requestId)), StandardCharsets.UTF_8);
        return "POST /internal/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TestEdge.INGEST_TOKEN + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** Stops sending and closes the connection (the test is over). */
    @Override
    public void close() {
        stopped = true;
        try {
            socket.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
