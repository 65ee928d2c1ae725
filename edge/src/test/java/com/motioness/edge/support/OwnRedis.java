package com.motioness.edge.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A redis-server of a test's own, on a free loopback port, persisting to an append-only file in
 * a temporary folder so a restart keeps its streams and functions, or persisting nothing so a
 * restart comes back empty. Stopped by its own process handle: only what the test started is ever
 * killed.
 */
public final class OwnRedis implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final boolean persistent;
    private Process process;

    private OwnRedis(Path dir, int port, boolean persistent) {
        this.dir = dir;
        this.port = port;
        this.persistent = persistent;
    }

    /** Starts one in {@code dir} that persists to an append-only file. */
    public static OwnRedis start(Path dir) throws Exception {
        return start(dir, true);
    }

    /** Starts one that persists nothing: a restart comes back empty, without streams or functions. */
    public static OwnRedis startWithoutPersistence(Path dir) throws Exception {
        return start(dir, false);
    }

    private static OwnRedis start(Path dir, boolean persistent) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        OwnRedis redis = new OwnRedis(dir, port, persistent);
        redis.restart();
        return redis;
    }

    /** redis://127.0.0.1:port */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Its port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Kills the server at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        Signals.kill(process);
    }

    /**
     * Freezes the server (SIGSTOP): a stalled Redis, which still takes connections and commands and
     * runs them all when it goes on ({@link #resume()}).
     */
    public void pause() throws IOException, InterruptedException {
        Signals.send(process, "STOP");
    }

    /** Lets a paused server go on (SIGCONT): it runs the commands that waited. */
    public void resume() throws IOException, InterruptedException {
        Signals.send(process, "CONT");
    }

    /** Starts the server again on the same port and folder; returns when it answers. */
    public void restart() throws Exception {
        process = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--dir",
                        dir.toString(),
                        "--appendonly",
                        persistent ? "yes" : "no",
                        "--save",
                        "",
                        "--daemonize",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        Poll.until(this::answers, Duration.ofSeconds(10), "redis-server on port " + port);
    }

    private boolean answers() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] reply = new byte[7];
            return socket.getInputStream().read(reply) > 0
                    && new String(reply, java.nio.charset.StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        Signals.kill(process);
    }
}
