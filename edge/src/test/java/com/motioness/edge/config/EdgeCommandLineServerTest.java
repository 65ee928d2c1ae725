package com.motioness.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.motioness.edge.EdgeServer;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.protocol.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real edge configured by a properties file and environment variables alone, streamed from over a socket. */
class EdgeCommandLineServerTest {
    private static final String KEY = "file-key-0123456789";
    private static final String TOKEN = "ingest-token-from-env-0123";

    @Test
    void anEdgeStartedFromAFileAndTheEnvironmentStreams(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "# the edge of the test",
                        "bind=127.0.0.1",
                        "port=0",
                        "project-key=" + KEY + "=proj-file, other-key-0123456789=proj-other",
                        "ping-interval=200ms",
                        "io-threads=1",
                        "ingest-token=file-token-is-overridden-by-env",
                        ""));
        Map<String, String> env = Map.of(
                "MOTIONESS_CONFIG",
                file.toString(),
                "MOTIONESS_INGEST_TOKEN",
                TOKEN,
                "MOTIONESS_MAX_INGEST_BYTES",
                "64k");
        EdgeConfig config = EdgeCommandLine.parse(env);
        assertEquals(0, config.http().port());
        try (EdgeServer server = EdgeServer.start(config)) {
            int port = server.port();
            String event = Events.json(EventType.QUEUED, "proj-file", "a1");
            RawResponse refused = HttpWire.exchange(
                    port,
                    HttpWire.request(
                            "POST",
                            "/internal/events",
                            event,
                            "Authorization: Bearer file-token-is-overridden-by-env"));
            assertEquals(401, refused.status(), "the environment's token wins over the file's");
            RawResponse tooBig = HttpWire.exchange(
                    port,
                    HttpWire.request(
                            "POST",
                            "/internal/events",
                            " ".repeat(65 * 1024) + event,
                            "Authorization: Bearer " + TOKEN));
            assertEquals(413, tooBig.status(), "MOTIONESS_MAX_INGEST_BYTES=64k reached the server");
            RawResponse accepted = HttpWire.exchange(
                    port, HttpWire.request("POST", "/internal/events", event, "Authorization: Bearer " + TOKEN));
            assertEquals(200, accepted.status(), accepted.bodyText());
            try (SseClient client = SseClient.open(port, "/v1/" + KEY + "/events/a1")) {
                assertEquals(200, client.status());
                SseBlock queued = client.nextEvent(Duration.ofSeconds(5));
                assertEquals("queued", queued.event());
                // The default ping is 15 s: a ping within 5 s shows the file's 200ms is in force.
                client.until(SseBlock::isPing, Duration.ofSeconds(5));
            }
            assertEquals(
                    401,
                    HttpWire.get(port, "/v1/not-a-key-0123456789/events/a1").status());
        }
    }
}
