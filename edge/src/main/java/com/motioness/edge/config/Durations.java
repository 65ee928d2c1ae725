package com.motioness.edge.config;

import java.time.Duration;

/** Durations as operators write them: {@code 500ms}, {@code 15s}, {@code 5m}, {@code 1h}. */
public final class Durations {
    private Durations() {}

    /** Parses a non-negative integer followed by exactly one unit: ms, s, m or h. */
    public static Duration parse(String text) {
        int digits = 0;
        while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
            digits++;
        }
        String unit = text.substring(digits);
        if (digits == 0 || digits > 12) {
            throw invalid(text);
        }
        long amount = Long.parseLong(text.substring(0, digits));
        switch (unit) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            default:
                throw invalid(text);
        }
    }

    /** The shortest exact form: 300 s is {@code 5m}, 1500 ms is {@code 1500ms}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("expected a duration like 500ms, 15s, 5m or 1h, got \"" + text + "\"");
    }
}
