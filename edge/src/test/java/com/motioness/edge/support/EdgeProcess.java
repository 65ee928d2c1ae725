package com.motioness.edge.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real main ({@code com.motioness.edge.EdgeMain}) in a JVM of its own, on the test class path:
 * the ports it printed, and every line it wrote (stdout and stderr). Stopped by its own process
 * handle only.
 */
public final class EdgeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("edge listening on /[0-9.]+:(\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin listening on /[0-9.]+:(\\d+)");

    private final Process process;
    private final int port;
    private final int adminPort;
    private final List<String> output;
    private final Thread reader;

    private EdgeProcess(Process process, int port, int adminPort, List<String> output, Thread reader) {
        this.process = process;
        this.port = port;
        this.adminPort = adminPort;
        this.output = output;
        this.reader = reader;
    }

    /**
     * Starts the edge with these flags ({@code --port 0 --bind 127.0.0.1 --admin-port 0} come first)
     * and returns once it printed both ports.
     */
    public static EdgeProcess start(String... flags) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "com.motioness.edge.EdgeMain", "--port", "0", "--bind", "127.0.0.1", "--admin-port", "0"));
        command.addAll(List.of(flags));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> output = new ArrayList<>();
        int port = -1;
        int adminPort = -1;
        while (port < 0 || adminPort < 0) {
            // Not a for loop that reads in its update: after the second port no line may follow.
            String line = lines.readLine();
            if (line == null) {
                break;
            }
            output.add(line);
            Matcher matcher = LISTENING.matcher(line);
            if (matcher.find()) {
                port = Integer.parseInt(matcher.group(1));
            }
            matcher = ADMIN.matcher(line);
            if (matcher.find()) {
                adminPort = Integer.parseInt(matcher.group(1));
            }
        }
        if (port < 0 || adminPort < 0) {
            process.destroyForcibly();
            throw new AssertionError("the edge did not print its ports:\n" + String.join("\n", output));
        }
        // Read on, so the process never blocks on a full pipe, and keep every line for assertions.
        Thread reader = new Thread(() -> {
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    synchronized (output) {
                        output.add(line);
                    }
                }
            } catch (IOException | UncheckedIOException closed) {
                // The process ended and its output with it.
            }
        }, "edge-process-output");
        reader.setDaemon(true);
        reader.start();
        return new EdgeProcess(process, port, adminPort, output, reader);
    }

    public Process process() {
        return process;
    }

    public int port() {
        return port;
    }

    public int adminPort() {
        return adminPort;
    }

    /** SIGTERM, as an orchestrator sends it. */
    public void terminate() {
        // Through the handle: Process.destroy() also closes our end of the output, losing what follows.
        process.toHandle().destroy();
    }

    /** Waits for the process to exit; returns its exit code, or fails after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the edge did not exit within " + timeout);
        }
        return process.exitValue();
    }

    /** Every line the process wrote; after {@link #awaitExit}, all of them. */
    public List<String> output() throws InterruptedException {
        if (!process.isAlive()) {
            reader.join(TimeUnit.SECONDS.toMillis(5));
        }
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
