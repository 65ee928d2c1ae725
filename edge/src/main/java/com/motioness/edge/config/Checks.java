package com.motioness.edge.config;

import java.time.Duration;

/** The checks every concern's settings share; a failed one is an error that names the flag. */
final class Checks {
    private Checks() {}

    /** Throws {@code message} unless {@code ok}. */
    static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A duration as an error message shows it. */
    static String shown(Duration value) {
        return value == null ? "nothing" : Durations.format(value);
    }
}
