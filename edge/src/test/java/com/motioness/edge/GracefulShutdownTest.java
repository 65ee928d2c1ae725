package com.motioness.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.SseClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real main in its own JVM: SIGTERM drains (readiness false, streams ended cleanly over the
 * drain window), then the process exits; a second signal ends it at once.
 */
class GracefulShutdownTest {
    private static final Pattern LISTENING = Pattern.compile("edge listening on /[0-9.]+:(\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin listening on /[0-9.]+:(\\d+)");
    private static final String FEED = "/api/projects/demo/activity";
    private static final String COOKIE = "Cookie: better-auth.session_token=demo-session";

    /** A running edge process and the ports it printed. */
    private record Edge(Process process, int port, int adminPort) {
    }

    private static Edge start(String drainWindow) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "com.motioness.edge.EdgeMain", "--port", "0", "--bind", "127.0.0.1", "--admin-port", "0",
                "--drain-window", drainWindow, "--demo")
                .redirectErrorStream(true)
                .start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        int port = -1;
        int adminPort = -1;
        for (String line = output.readLine(); line != null && (port < 0 || adminPort < 0); line = output.readLine()) {
            Matcher matcher = LISTENING.matcher(line);
            if (matcher.find()) {
                port = Integer.parseInt(matcher.group(1));
            }
            matcher = ADMIN.matcher(line);
            if (matcher.find()) {
                adminPort = Integer.parseInt(matcher.group(1));
            }
        }
        assertTrue(port > 0 && adminPort > 0, "the edge printed its ports");
        Thread drain = new Thread(() -> {
            try {
                output.lines().forEach(line -> { });
            } catch (java.io.UncheckedIOException closed) {
                // The process ended and its output with it.
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new Edge(process, port, adminPort);
    }

    private static int readyz(int adminPort) {
        try {
            return HttpWire.get(adminPort, "/readyz").status();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void sigtermEndsStreamsCleanlyAndExits() throws Exception {
        Edge edge = start("1s");
        try {
            try (SseClient feed = SseClient.open(edge.port(), FEED, COOKIE)) {
                assertEquals(200, feed.status());
                feed.nextEvent(Duration.ofSeconds(10));
                edge.process().destroy();
                assertTrue(feed.awaitEnd(Duration.ofSeconds(10)));
                assertTrue(feed.endedCleanly(), "the stream was finished, not cut: clients resume elsewhere");
            }
            assertTrue(edge.process().waitFor(10, TimeUnit.SECONDS), "the process exits after SIGTERM");
            assertEquals(0, edge.process().exitValue());
        } finally {
            edge.process().destroyForcibly();
        }
    }

    @Test
    void aSecondSignalExitsAtOnce() throws Exception {
        Edge edge = start("1m");
        try (SseClient feed = SseClient.open(edge.port(), FEED, COOKIE)) {
            assertEquals(200, feed.status());
            assertEquals(200, readyz(edge.adminPort()));
            edge.process().destroy();
            Poll.until(() -> readyz(edge.adminPort()) == 503, Duration.ofSeconds(10), "not ready while draining");
            assertTrue(edge.process().isAlive(), "a one-minute drain is under way");
            edge.process().destroy();
            assertTrue(edge.process().waitFor(5, TimeUnit.SECONDS), "the second SIGTERM ends it at once");
            assertEquals(128 + 15, edge.process().exitValue());
        } finally {
            edge.process().destroyForcibly();
        }
    }
}
