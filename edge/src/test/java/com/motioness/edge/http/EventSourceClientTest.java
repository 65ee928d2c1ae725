package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real EventSource client — the npm {@code eventsource} package, which follows the WHATWG spec
 * like a browser — follows an asset through several forced cap closes: it must reconnect with
 * Last-Event-ID each time, dispatch every event exactly once and in order, and stop for good on
 * the 204 after {@code ready}. {@code .ci/run} installs the package; elsewhere the test is skipped
 * unless {@code npm ci --prefix edge/src/test/node} was run.
 */
class EventSourceClientTest {
    private static final Path CLIENT_DIR = Path.of("src/test/node");
    private static final Pattern SEEN = Pattern.compile("\\{\"id\":\"([^\"]*)\",\"type\":\"([a-z0-9_]+)\"}");

    @Test
    void aRealEventSourceResumesAcrossCapClosesLosingNothingAndStopsAtReady() throws Exception {
        boolean installed = Files.isDirectory(CLIENT_DIR.resolve("node_modules/eventsource"));
        if (System.getenv("CI") != null) {
            assertTrue(installed, "CI must install the EventSource client: npm ci --prefix edge/src/test/node");
        }
        Assumptions.assumeTrue(installed, "npm ci --prefix edge/src/test/node to run this test");

        try (TestEdge edge = TestEdge.start(config -> config.maxStreamDuration(Duration.ofMillis(600))
                .retry(Duration.ofMillis(50)))) {
            List<String> expected = new ArrayList<>();
            for (EventId id : edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "es-1"))) {
                expected.add(id + " queued");
            }
            Process client = new ProcessBuilder("node", "es-client.mjs",
                    "http://127.0.0.1:" + edge.port() + TestEdge.assetPath("es-1"), "20000")
                    .directory(CLIENT_DIR.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try {
                for (int i = 0; i < 40; i++) {
                    for (EventId id : edge.append(Events.of(EventType.STAGE_STARTED, TestEdge.PROJECT, "es-1"))) {
                        expected.add(id + " stage_started");
                    }
                    Thread.sleep(60);
                }
                for (EventId id : edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "es-1"))) {
                    expected.add(id + " ready");
                }
                assertTrue(client.waitFor(30, TimeUnit.SECONDS), "the client stops by itself");
                String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                List<String> seen = new ArrayList<>();
                Matcher matcher = SEEN.matcher(output);
                while (matcher.find()) {
                    seen.add(matcher.group(1) + " " + matcher.group(2));
                }
                assertEquals(expected, seen, "every event once, in order, across reconnects");
                assertTrue(output.contains("\"closed\":true"), "204 after ready ends it for good: " + output);
                Matcher opens = Pattern.compile("\"opens\":(\\d+)").matcher(output);
                assertTrue(opens.find() && Integer.parseInt(opens.group(1)) >= 3,
                        "the cap forced several reconnects: " + output);
            } finally {
                client.destroyForcibly();
            }
        } catch (IOException e) {
            Assumptions.abort("node is not installed: " + e.getMessage());
        }
    }
}
