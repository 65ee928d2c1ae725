package com.motioness.edge.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
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
 * The real {@code EdgeMain} in a JVM of its own, on the test classpath: for what only a process
 * shows (its exit status, a kill -9). Its output, stdout and stderr, is collected line by line, and
 * stderr's also on its own; it is stopped through its own process handle, or signalled by its own pid.
 */
public final class EdgeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("edge listening on /[0-9.]+:(\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin listening on /[0-9.]+:(\\d+)");

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final List<String> errorLines = new ArrayList<>();
    private final Thread reader;
    private final Thread errorReader;

    private EdgeProcess(Process process) {
        this.process = process;
        this.reader = collector(process.getInputStream(), null, "edge-process-output-" + process.pid());
        this.errorReader = collector(process.getErrorStream(), errorLines, "edge-process-errors-" + process.pid());
    }

    private Thread collector(InputStream stream, List<String> alsoTo, String name) {
        Thread thread = new Thread(() -> collect(stream, alsoTo), name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Starts {@code java -cp <test classpath> com.motioness.edge.EdgeMain args...}. */
    public static EdgeProcess start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "com.motioness.edge.EdgeMain"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        // Settings come from the arguments alone: the test run's own MOTIONESS_* variables (such as
        // MOTIONESS_SKIP_BROWSER_TEST, no setting of the edge) would be read as settings, or refused.
        builder.environment().keySet().removeIf(name -> name.startsWith("MOTIONESS_"));
        return new EdgeProcess(builder.start());
    }

    private void collect(InputStream stream, List<String> alsoTo) {
        try (BufferedReader output = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    if (alsoTo != null) {
                        alsoTo.add(line);
                    }
                }
            }
        } catch (IOException | UncheckedIOException closed) {
            // The process ended and its output with it.
        }
    }

    /**
     * Every line written so far, stdout and stderr (each in its order; a line of one may come before a
     * line of the other written earlier); once the process has exited, all of them.
     */
    public List<String> output() {
        awaitOutputIfExited();
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The lines written to stderr so far (the log's and errors); once the process has exited, all of them. */
    public List<String> errorOutput() {
        awaitOutputIfExited();
        synchronized (lines) {
            return List.copyOf(errorLines);
        }
    }

    private void awaitOutputIfExited() {
        if (!process.isAlive()) {
            try {
                reader.join(TimeUnit.SECONDS.toMillis(5));
                errorReader.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The lines written so far that contain {@code text}. */
    public List<String> linesWith(String text) {
        return output().stream().filter(line -> line.contains(text)).toList();
    }

    /** The port it listens on, once it has said so. */
    public int port() throws InterruptedException {
        return printed(LISTENING);
    }

    /** The admin port, once it has said so. */
    public int adminPort() throws InterruptedException {
        return printed(ADMIN);
    }

    private int printed(Pattern pattern) throws InterruptedException {
        int[] port = {-1};
        Poll.until(
                () -> {
                    for (String line : output()) {
                        Matcher matcher = pattern.matcher(line);
                        if (matcher.find()) {
                            port[0] = Integer.parseInt(matcher.group(1));
                            return true;
                        }
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError(
                                "the edge exited with " + process.exitValue() + ":\n" + String.join("\n", output()));
                    }
                    return false;
                },
                Duration.ofSeconds(30),
                "the edge to print " + pattern.pattern());
        return port[0];
    }

    /** Waits for the process to end; returns its exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the edge did not exit within " + timeout);
        }
        return process.exitValue();
    }

    /** The process, for what this class does not wrap. */
    public Process process() {
        return process;
    }

    /** SIGTERM, as an orchestrator sends it. */
    public void terminate() {
        // Through the handle: Process.destroy() also closes our end of the output, losing what follows.
        process.toHandle().destroy();
    }

    /** SIGKILL, as a crashed machine or the OOM killer would end it; returns once it is gone. */
    public void kill() {
        Signals.kill(process);
    }

    /** Freezes the process (SIGSTOP), as a long GC pause or a hung VM would. */
    public void pause() throws IOException, InterruptedException {
        Signals.send(process, "STOP");
    }

    /** True while the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        kill();
    }
}
