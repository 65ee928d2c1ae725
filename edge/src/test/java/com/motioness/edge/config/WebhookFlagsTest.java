package com.motioness.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The webhook flags: off and strict by default, on and open to loopback with the demo, refused by name. */
class WebhookFlagsTest {

    @Test
    void offAndHttpsOnlyByDefault() {
        WebhookSettings webhooks = EdgeCommandLine.parse().webhooks();
        assertFalse(webhooks.enabled());
        assertFalse(webhooks.allowHttp());
        assertFalse(webhooks.allowPrivate());
        assertEquals(Duration.ofSeconds(10), webhooks.timeout());
        assertEquals(
                List.of(
                        Duration.ZERO,
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(30),
                        Duration.ofHours(2)),
                webhooks.retrySchedule());
        assertEquals(16, webhooks.maxInFlight());
        assertEquals(Duration.ofHours(24), webhooks.secretGrace());
    }

    @Test
    void theDemoTurnsThemOnWithAScheduleThatDeadLettersInItsFirstMinute() {
        WebhookSettings demo = EdgeCommandLine.parse("--demo").webhooks();
        assertTrue(demo.enabled() && demo.allowHttp() && demo.allowPrivate());
        assertEquals(WebhookSettings.DEMO_SCHEDULE, demo.retrySchedule());
        assertEquals(
                List.of(Duration.ZERO, Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofMillis(5), Duration.ZERO),
                EdgeCommandLine.parse("--demo", "--webhook-retry-schedule", "0s,5ms,5ms,5ms,0s")
                        .webhooks()
                        .retrySchedule(),
                "a schedule given wins");
    }

    @Test
    void everyWayOfGivingThemWorks() {
        WebhookSettings webhooks = EdgeCommandLine.parse(
                        Map.of("MOTIONESS_WEBHOOK_RETRY_SCHEDULE", "0s, 1s, 2s, 3s, 4s"),
                        "--webhooks",
                        "--webhooks-allow-private",
                        "--webhook-timeout",
                        "250ms",
                        "--webhook-max-in-flight",
                        "4")
                .webhooks();
        assertTrue(webhooks.enabled() && webhooks.allowPrivate());
        assertFalse(webhooks.allowHttp());
        assertEquals(Duration.ofMillis(250), webhooks.timeout());
        assertEquals(4, webhooks.maxInFlight());
        assertEquals(Duration.ofSeconds(4), webhooks.retrySchedule().get(4));
    }

    @Test
    void wrongValuesAreRefusedByName() {
        assertEquals(
                "--webhook-retry-schedule needs 5 delays, one per attempt, got 4",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> EdgeCommandLine.parse("--webhook-retry-schedule", "0s,1s,2s,3s"))
                        .getMessage());
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> EdgeCommandLine.parse("--webhook-retry-schedule", "0s,1s,soon,3s,4s"))
                .getMessage()
                .startsWith("--webhook-retry-schedule: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--webhook-timeout", "0s"))
                .getMessage()
                .startsWith("--webhook-timeout must be between 1ms and 5m"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> EdgeCommandLine.parse("--webhook-max-in-flight", "0"))
                .getMessage()
                .startsWith("--webhook-max-in-flight must be between 1 and 10000"));
    }
}
