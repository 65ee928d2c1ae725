package com.motioness.edge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A readiness check runs at most once per period, however often it is asked. */
class CachedCheckTest {
    @Test
    void theCheckRunsOncePerPeriod() {
        AtomicLong now = new AtomicLong(1_000);
        AtomicInteger runs = new AtomicInteger();
        CachedCheck check = new CachedCheck(
                () -> {
                    runs.incrementAndGet();
                    return runs.get() == 1 ? Readiness.READY : Readiness.notReady("down");
                },
                1_000_000_000L,
                now::get);
        for (int i = 0; i < 100; i++) {
            assertTrue(check.get().ready());
        }
        assertEquals(1, runs.get(), "a hundred probes, one check");
        now.addAndGet(999_999_999L);
        assertTrue(check.get().ready());
        now.addAndGet(1);
        assertFalse(check.get().ready(), "checked again after the period");
        assertEquals("down", check.get().problem());
        assertEquals(2, runs.get());
    }

    @Test
    void aCheckThatThrowsIsNotReady() {
        CachedCheck check = new CachedCheck(
                () -> {
                    throw new IllegalStateException("boom");
                },
                1,
                System::nanoTime);
        assertFalse(check.get().ready());
        assertTrue(check.get().problem().contains("boom"));
    }
}
