package com.motioness.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.EdgeProcess;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.SseClient;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The real main in its own JVM: SIGTERM drains (readiness false, streams ended cleanly over the
 * drain window), then the process exits; a second signal ends it at once.
 */
class GracefulShutdownTest {
    private static final String FEED = "/api/projects/demo/activity";
    private static final String COOKIE = "Cookie: better-auth.session_token=demo-session";

    private static int readyz(int adminPort) {
        try {
            return HttpWire.get(adminPort, "/readyz").status();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void sigtermEndsStreamsCleanlyAndExits() throws Exception {
        try (EdgeProcess edge = EdgeProcess.start(
                "--port", "0", "--bind", "127.0.0.1", "--admin-port", "0", "--drain-window", "1s", "--demo")) {
            try (SseClient feed = SseClient.open(edge.port(), FEED, COOKIE)) {
                assertEquals(200, feed.status());
                feed.nextEvent(Duration.ofSeconds(10));
                edge.terminate();
                assertTrue(feed.awaitEnd(Duration.ofSeconds(10)));
                assertTrue(feed.endedCleanly(), "the stream was finished, not cut: clients resume elsewhere");
            }
            assertEquals(0, edge.awaitExit(Duration.ofSeconds(10)), "the process exits 0 after SIGTERM");
        }
    }

    @Test
    void aSecondSignalExitsAtOnce() throws Exception {
        try (EdgeProcess edge = EdgeProcess.start(
                        "--port", "0", "--bind", "127.0.0.1", "--admin-port", "0", "--drain-window", "1m", "--demo");
                SseClient feed = SseClient.open(edge.port(), FEED, COOKIE)) {
            assertEquals(200, feed.status());
            int admin = edge.adminPort();
            assertEquals(200, readyz(admin));
            edge.terminate();
            Poll.until(() -> readyz(admin) == 503, Duration.ofSeconds(10), "not ready while draining");
            assertTrue(edge.process().isAlive(), "a one-minute drain is under way");
            edge.terminate();
            assertEquals(128 + 15, edge.awaitExit(Duration.ofSeconds(5)), "the second SIGTERM ends it at once");
        }
    }
}
