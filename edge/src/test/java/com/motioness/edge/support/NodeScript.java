package com.motioness.edge.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.opentest4j.TestAbortedException;

/**
 * A Node.js script that drives a real client (the npm EventSource, headless Chromium) and reports
 * what the client saw, one fact a line on stdout; its stderr goes to the test's. The test reads the
 * lines as they come, so it can act on one (publish once the client is waiting) and judge the rest.
 */
public final class NodeScript implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = new ArrayList<>();

    private NodeScript(Process process) {
        this.process = process;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        lines.add("FAIL reading the script's output: " + e);
                    }
                    lines.add("EOF");
                },
                "node-script-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Runs {@code node <args>} in {@code directory}. Without node the test is skipped, or fails
     * under CI (see {@link RealClients}).
     */
    public static NodeScript start(Path directory, String... args) {
        return start(directory, java.util.Map.of(), args);
    }

    /** As {@link #start(Path, String...)}, with these environment variables added (NODE_EXTRA_CA_CERTS). */
    public static NodeScript start(Path directory, java.util.Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add("node");
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().putAll(env);
            return new NodeScript(builder.start());
        } catch (IOException e) {
            RealClients.requireInCi(false, "node is not installed: " + e.getMessage());
            throw new TestAbortedException("node is not installed: " + e.getMessage());
        }
    }

    /**
     * Collects lines until one matches; fails on a line starting with FAIL, on the end of the
     * output, or after {@code timeout}.
     */
    public void await(Predicate<String> until, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals("EOF") || line.startsWith("FAIL")) {
                fail("the script stopped: " + line + "\n" + report());
            }
            output.add(line);
            if (until.test(line)) {
                return;
            }
        }
    }

    /** Waits for the script to exit by itself; then every line it printed is in {@link #output()}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        String line;
        while (!"EOF".equals(line = lines.poll(10, TimeUnit.SECONDS)) && line != null) {
            output.add(line);
        }
        return true;
    }

    /** Whether the script still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, once it exited. */
    public int exitValue() {
        return process.exitValue();
    }

    /** The lines collected so far. */
    public List<String> output() {
        return output;
    }

    /** The collected lines that start with {@code prefix}, without it. */
    public List<String> prefixed(String prefix) {
        List<String> found = new ArrayList<>();
        for (String line : output) {
            if (line.startsWith(prefix)) {
                found.add(line.substring(prefix.length()));
            }
        }
        return found;
    }

    /** The collected lines, for assertion messages. */
    public String report() {
        return String.join("\n", output);
    }

    /** SIGTERM first, so the script can close its browser and clean up; then kills it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (process.waitFor(10, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
