package com.motioness.edge.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real SSE client on a plain socket: sends a GET, reads the head, de-chunks the body and parses
 * it with the WHATWG EventSource rules (lines end at CR, LF or CRLF; a blank line ends a block) on
 * its own thread. Keeps the raw body bytes too, for golden checks.
 */
public final class SseClient implements AutoCloseable {
    private final Socket socket;
    private final RawResponse head;
    private final BlockingQueue<SseBlock> blocks = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream rawBody = new ByteArrayOutputStream();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean cleanEnd;
    private volatile IOException failure;

    private SseClient(Socket socket, RawResponse head) {
        this.socket = socket;
        this.head = head;
    }

    /** Opens a stream with extra header lines ("Name: value"). */
    public static SseClient open(int port, String path, String... headerLines) throws IOException {
        return openWithVersion(port, path, "HTTP/1.1", headerLines);
    }

    /** Opens a stream speaking the given HTTP version. */
    public static SseClient openWithVersion(int port, String path, String version, String... headerLines)
            throws IOException {
        return openOn(HttpWire.connect(port), path, version, headerLines);
    }

    /** Opens a stream on a socket already connected (a TLS socket, say), speaking HTTP/1.1. */
    public static SseClient openOn(Socket socket, String path, String... headerLines) throws IOException {
        return openOn(socket, path, "HTTP/1.1", headerLines);
    }

    private static SseClient openOn(Socket socket, String path, String version, String... headerLines)
            throws IOException {
        socket.setSoTimeout(0);
        StringBuilder request = new StringBuilder("GET ")
                .append(path)
                .append(' ')
                .append(version)
                .append("\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        InputStream in = socket.getInputStream();
        RawResponse head = HttpWire.readHead(in);
        SseClient client = new SseClient(socket, head);
        if (head.status() == 200) {
            Thread reader = new Thread(() -> client.readBody(in), "sse-client");
            reader.setDaemon(true);
            reader.start();
        } else {
            client.ended.countDown();
        }
        return client;
    }

    /** The response status. */
    public int status() {
        return head.status();
    }

    /** A response header by name, or null. */
    public String header(String name) {
        return head.header(name);
    }

    /** Every response header, names in lower case. */
    public java.util.Map<String, String> headers() {
        return head.headers();
    }

    /** The next block, or fails after the timeout. */
    public SseBlock next(Duration timeout) throws InterruptedException {
        SseBlock block = blocks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (block == null) {
            throw new AssertionError("no SSE block within " + timeout + (isEnded() ? " (stream ended)" : ""));
        }
        return block;
    }

    /** The next block that is an event (skipping retry and comments). */
    public SseBlock nextEvent(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SseBlock block = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (block.isEvent()) {
                return block;
            }
        }
    }

    /** Events until {@code count} were read. */
    public List<SseBlock> events(int count, Duration timeout) throws InterruptedException {
        List<SseBlock> events = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < count) {
            events.add(nextEvent(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
        }
        return events;
    }

    /** Blocks until one matches. */
    public SseBlock until(Predicate<SseBlock> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SseBlock block = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (match.test(block)) {
                return block;
            }
        }
    }

    /** Every block parsed so far that nobody took. */
    public List<SseBlock> drain() {
        List<SseBlock> rest = new ArrayList<>();
        blocks.drainTo(rest);
        return rest;
    }

    /** Waits for the server to end the stream; true when it did within the timeout. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True once the stream ended (by the server or an error). */
    public boolean isEnded() {
        return ended.getCount() == 0;
    }

    /** True when the body ended with the zero-length chunk, as a clean end does. */
    public boolean endedCleanly() {
        return cleanEnd;
    }

    /** The de-chunked body bytes received so far. */
    public synchronized byte[] rawBody() {
        return rawBody.toByteArray();
    }

    /** The underlying socket (tests that stop reading use it). */
    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void readBody(InputStream in) {
        SseParser parser = new SseParser(blocks::add);
        boolean chunked = "chunked".equalsIgnoreCase(head.header("transfer-encoding"));
        try {
            if (chunked) {
                while (true) {
                    String sizeLine = HttpWire.readLine(in);
                    if (sizeLine == null) {
                        return;
                    }
                    int size = Integer.parseInt(sizeLine.trim(), 16);
                    if (size == 0) {
                        HttpWire.readLine(in);
                        cleanEnd = true;
                        return;
                    }
                    byte[] chunk = in.readNBytes(size);
                    synchronized (this) {
                        rawBody.write(chunk);
                    }
                    parser.feed(chunk, chunk.length);
                    HttpWire.readLine(in);
                }
            } else {
                byte[] buffer = new byte[8192];
                int read;
                while ((read = in.read(buffer)) != -1) {
                    synchronized (this) {
                        rawBody.write(buffer, 0, read);
                    }
                    parser.feed(buffer, read);
                }
                cleanEnd = true;
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            ended.countDown();
        }
    }

    /** Parses bare event-stream bytes (no chunk framing) into the blocks a browser would see. */
    public static List<SseBlock> parseBlocks(byte[] body) {
        List<SseBlock> parsed = new ArrayList<>();
        new SseParser(parsed::add).feed(body, body.length);
        return parsed;
    }

    /** The IO error that ended the stream, if any. */
    public IOException failure() {
        return failure;
    }
}
