package com.motioness.edge.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling, with a deadline: tests never sleep a fixed time. */
public final class Poll {
    private Poll() {}

    /** Polls every 5 ms until the condition holds, or fails after the timeout. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
