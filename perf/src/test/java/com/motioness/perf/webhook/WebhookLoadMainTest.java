package com.motioness.perf.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The load driver end to end against a stand-in edge (the dispatcher is not merged yet): it
 * registers the endpoints, hands the receiver their secrets so every delivery verifies, counts
 * what each project's endpoints should get (not the hanging one's), and reports it all.
 */
class WebhookLoadMainTest {
    private static final String TOKEN = "test-ingest-token-123";

    @Test
    void registersPublishesAndReportsEveryExpectedDelivery() throws Exception {
        try (FakeWebhookEdge edge = new FakeWebhookEdge(TOKEN);
                WebhookReceiver receiver = WebhookReceiver.start("127.0.0.1", 0, 0, 1)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = WebhookLoadMain.run(
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    System.err,
                    "--api",
                    edge.baseUrl(),
                    "--ingest-token",
                    TOKEN,
                    "--receiver",
                    "http://127.0.0.1:" + receiver.hookPort(),
                    "--receiver-control",
                    "http://127.0.0.1:" + receiver.controlPort(),
                    "--endpoints",
                    "4",
                    "--projects",
                    "2",
                    "--hang",
                    "1",
                    "--publish",
                    "ingest",
                    "--rate",
                    "200",
                    "--duration",
                    "1s",
                    "--registered-wait",
                    "0ms",
                    "--settle-quiet",
                    "3s",
                    "--settle-max",
                    "20s",
                    "--receiver-pid",
                    Long.toString(ProcessHandle.current().pid()),
                    "--quiet");
            String line = out.toString(StandardCharsets.UTF_8).strip();
            assertEquals(0, code, line);
            // 200 events over two projects: project 0 has one live endpoint (the other hangs), project 1 two.
            assertTrue(line.contains("\"published\":200,"), line);
            assertTrue(line.contains("\"expected_deliveries\":300,"), line);
            assertTrue(line.contains("\"delivered\":300,"), line);
            assertTrue(line.contains("\"unaccounted\":0,"), line);
            assertTrue(line.contains("\"settled\":true"), line);
            assertTrue(line.contains("\"bad_signatures\":0,"), line);
            assertTrue(line.matches(".*\"/hook/[0-9a-z]+-0\":\\{\"received\":100,\"accepted\":0,.*"), line);
            assertTrue(line.contains("\"receiver_cpu_seconds\""), line);
        }
    }
}
