package com.motioness.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.SseClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The real main in its own JVM: SIGTERM ends open streams cleanly, then the process exits. */
class GracefulShutdownTest {
    private static final Pattern LISTENING = Pattern.compile("edge listening on /[0-9.]+:(\\d+)");

    @Test
    void sigtermEndsStreamsCleanlyAndExits() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process edge = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "com.motioness.edge.EdgeMain", "--port", "0", "--bind", "127.0.0.1", "--demo")
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(edge.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            for (String line = output.readLine(); line != null && port < 0; line = output.readLine()) {
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    port = Integer.parseInt(matcher.group(1));
                }
            }
            assertTrue(port > 0, "the edge printed its port");
            Thread drain = new Thread(() -> output.lines().forEach(line -> { }));
            drain.setDaemon(true);
            drain.start();
            try (SseClient feed = SseClient.open(port, "/api/projects/demo/activity",
                    "Cookie: better-auth.session_token=demo-session")) {
                assertEquals(200, feed.status());
                feed.nextEvent(Duration.ofSeconds(10));
                edge.destroy();
                assertTrue(feed.awaitEnd(Duration.ofSeconds(10)));
                assertTrue(feed.endedCleanly(), "the stream was finished, not cut: clients resume elsewhere");
            }
            assertTrue(edge.waitFor(10, TimeUnit.SECONDS), "the process exits after SIGTERM");
        } finally {
            edge.destroyForcibly();
        }
    }
}
