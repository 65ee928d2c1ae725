package com.motioness.edge.webhook.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Dispatcher settings for tests: everything in milliseconds. */
final class TestSettings {
    private TestSettings() {}

    /** Delays in ms before each attempt, no jitter, timeout 1 s, lease 1.5 s, breaker 5 failures / 300 ms. */
    static DispatcherSettings withDelays(long... delaysMs) {
        List<Duration> delays = new ArrayList<>();
        for (long delay : delaysMs) {
            delays.add(Duration.ofMillis(delay));
        }
        return new DispatcherSettings(
                new RetrySchedule(delays, 0, () -> 0.5),
                Duration.ofSeconds(1),
                Duration.ofMillis(1500),
                Duration.ofMillis(10),
                64,
                16,
                5,
                Duration.ofMillis(300),
                Duration.ofSeconds(5),
                Duration.ofMillis(400),
                1024,
                Duration.ofSeconds(3));
    }
}
