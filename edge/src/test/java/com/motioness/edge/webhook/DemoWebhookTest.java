package com.motioness.edge.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.config.AuthSettings;
import com.motioness.edge.support.EdgeProcess;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --demo} shows the webhook channel at work within its first minute, as its banner promises:
 * the demo's own receiver gets the deliveries, refuses {@code demo-asset-3}'s every time so they are
 * dead-lettered, and every attempt shows on the project's activity feed, in the dead-letter API and
 * in an asset stream's replay.
 */
class DemoWebhookTest {
    private static final String TOKEN = "ingest-token-0123456789";
    private static final String PROJECT = AuthSettings.DEMO_PROJECT;
    /** asset 3 starts at 6 s, its storage write about 6 s later, then 5 attempts over 0+1+2+4+8 s ±20%. */
    private static final Duration WITHIN = Duration.ofSeconds(45);

    @Test
    void theDemoDeliversDeadLettersAndShowsEveryAttempt() throws Exception {
        try (EdgeProcess demo = EdgeProcess.start(
                "--demo", "--port", "0", "--bind", "127.0.0.1", "--admin-port", "0", "--ingest-token", TOKEN)) {
            int port = demo.port();
            try (SseClient feed = SseClient.open(
                    port,
                    "/api/projects/" + PROJECT + "/activity",
                    "Cookie: better-auth.session_token=" + AuthSettings.DEMO_SESSION)) {
                assertEquals(200, feed.status(), "the activity feed opens with the demo's session");
                long deadline = System.nanoTime() + WITHIN.toNanos();
                List<String> seen = new ArrayList<>();
                boolean delivered = false;
                boolean deadLettered = false;
                while (!(delivered && deadLettered)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError(
                                "within " + WITHIN + ": webhook_delivered for demo-asset-1 " + delivered
                                        + ", webhook_dead_letter for demo-asset-3 " + deadLettered
                                        + "; the feed's webhook events: "
                                        + seen.stream()
                                                .filter(data -> data.contains("\"type\":\"webhook_"))
                                                .toList());
                    }
                    SseBlock block;
                    try {
                        block = feed.nextEvent(Duration.ofNanos(left));
                    } catch (AssertionError quiet) {
                        continue;
                    }
                    seen.add(block.data());
                    delivered |= is(block, "webhook_delivered", "demo-asset-1");
                    deadLettered |= is(block, "webhook_dead_letter", "demo-asset-3");
                }
                assertTrue(
                        seen.stream()
                                .anyMatch(data -> data.contains("\"type\":\"webhook_failed\"")
                                        && data.contains("\"error_code\":\"HTTP_503\"")),
                        "the refusals show as webhook_failed with HTTP_503 before the dead letter");
            }

            RawResponse letters = HttpWire.get(
                    port, "/internal/projects/" + PROJECT + "/webhooks/dead-letters", "Authorization: Bearer " + TOKEN);
            assertEquals(200, letters.status(), letters.bodyText());
            assertTrue(
                    letters.bodyText().contains("\"asset_id\":\"demo-asset-3\"")
                            && letters.bodyText().contains("\"attempts\":5")
                            && letters.bodyText().contains("\"error_code\":\"HTTP_503\""),
                    "the API lists demo-asset-3's dead letter after 5 attempts: " + letters.bodyText());

            try (SseClient asset = SseClient.open(port, "/v1/" + AuthSettings.DEMO_KEY + "/events/" + demoAsset(1))) {
                assertEquals(200, asset.status());
                List<String> replayed = new ArrayList<>();
                SseBlock block;
                do {
                    block = asset.nextEvent(Duration.ofSeconds(10));
                    replayed.add(typeOf(block));
                } while (!"ready".equals(typeOf(block)));
                int dispatched = replayed.indexOf("webhook_dispatched");
                int deliveredAt = replayed.indexOf("webhook_delivered");
                // The attempt starts with the storage write, a second or so before ready; its outcome
                // is appended when it ends, which on a loaded machine can be after ready, the
                // stream's last event (the activity feed above showed it either way).
                assertTrue(
                        dispatched >= 0 && (deliveredAt < 0 || deliveredAt > dispatched),
                        "the replay shows the storage write's attempt before ready: " + replayed);
            }
        }
    }

    private static String demoAsset(int n) {
        return "demo-asset-" + n;
    }

    private static boolean is(SseBlock block, String type, String asset) {
        return type.equals(typeOf(block)) && block.data().contains("\"asset_id\":\"" + asset + "\"");
    }

    private static String typeOf(SseBlock block) {
        String data = block.data();
        int start = data.indexOf("\"type\":\"") + "\"type\":\"".length();
        return data.substring(start, data.indexOf('"', start));
    }
}
