package com.motioness.edge.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.motioness.edge.support.PipeliningProducer.Outcome;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What producers were answered, checked against what the log stored: an event answered 200 is
 * stored exactly once, one answered 503 or never answered is not stored, and nothing is stored
 * that was not answered 200 (a producer retries what it was not told was stored, so anything else
 * loses or doubles events).
 */
public final class IngestOutcomes {
    private IngestOutcomes() {}

    /** Counts of each outcome, for the failure messages and the test's report. */
    public record Tally(int ok, int refused, int unanswered) {}

    /**
     * Fails unless every outcome agrees with {@code stored} (request_id → times stored).
     *
     * @return how many requests were answered 200, answered 503, and never answered
     */
    public static Tally check(List<Outcome> outcomes, Map<String, Integer> stored) {
        int ok = 0;
        int refused = 0;
        int unanswered = 0;
        Set<String> answeredOk = new HashSet<>();
        for (Outcome outcome : outcomes) {
            int times = stored.getOrDefault(outcome.requestId(), 0);
            switch (outcome.status()) {
                case 200 -> {
                    ok++;
                    answeredOk.add(outcome.requestId());
                    assertEquals(1, times, outcome.requestId() + " was answered 200: stored exactly once");
                }
                case 503 -> {
                    refused++;
                    assertTrue(
                            outcome.body().startsWith("{\"error\":\"draining\"")
                                    || outcome.body().startsWith("{\"error\":\"unavailable\""),
                            outcome.body());
                    assertEquals(0, times, outcome.requestId() + " was answered 503: not stored");
                }
                case PipeliningProducer.UNANSWERED -> {
                    unanswered++;
                    assertEquals(0, times, outcome.requestId() + " got no answer: it must not be stored");
                }
                default -> fail(outcome.requestId() + " answered " + outcome.status() + ": " + outcome.body());
            }
        }
        Map<String, Integer> strays = new HashMap<>(stored);
        strays.keySet().removeAll(answeredOk);
        assertTrue(strays.isEmpty(), "stored without a 200 answer: " + strays.keySet());
        return new Tally(ok, refused, unanswered);
    }
}
