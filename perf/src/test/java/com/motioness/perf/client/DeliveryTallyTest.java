package com.motioness.perf.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeliveryTallyTest {

    @Test
    void countsInOrderDeliveriesOnce() {
        DeliveryTally tally = new DeliveryTally();
        for (long seq = 1; seq <= 200; seq++) {
            assertTrue(tally.record(seq));
        }
        assertEquals(200, tally.unique());
        assertEquals(0, tally.duplicated());
        assertEquals(0, tally.outOfOrder());
    }

    @Test
    void tellsDuplicatesFromLateArrivals() {
        DeliveryTally tally = new DeliveryTally();
        tally.record(1);
        tally.record(3);
        assertTrue(tally.record(2), "2 arrives late, for the first time");
        assertFalse(tally.record(2), "2 again is a duplicate");
        assertFalse(tally.record(3));
        tally.record(100);
        assertTrue(tally.record(70), "70 was skipped over, within the window");
        assertEquals(5, tally.unique());
        assertEquals(2, tally.duplicated());
        assertEquals(2, tally.outOfOrder());
    }

    @Test
    void aGapIsNotALoss() {
        DeliveryTally tally = new DeliveryTally();
        tally.record(1);
        tally.record(5);
        assertEquals(2, tally.unique(), "the tally counts what came; what is missing is published minus unique");
    }
}
