package com.motioness.perf.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScrapedHistogramTest {
    private static final String NAME = "motioness_publish_to_write_seconds";

    private static String page(long le10, long le50, long le100, long inf) {
        return "# TYPE motioness_publish_to_write_seconds histogram\n"
                + NAME + "_bucket{le=\"0.01\"} " + le10 + "\n"
                + NAME + "_bucket{le=\"0.05\"} " + le50 + "\n"
                + NAME + "_bucket{le=\"0.1\"} " + le100 + "\n"
                + NAME + "_bucket{le=\"+Inf\"} " + inf + "\n"
                + NAME + "_count " + inf + "\n"
                + "motioness_other_bucket{le=\"+Inf\"} 7\n";
    }

    @Test
    void quantilesOfWhatWasObservedBetweenTwoScrapes() {
        ScrapedHistogram before = ScrapedHistogram.parse(page(5, 5, 5, 5), NAME);
        ScrapedHistogram after = ScrapedHistogram.parse(page(55, 145, 154, 155), NAME);
        ScrapedHistogram run = after.since(before);
        assertEquals(150, run.count());
        assertEquals(0.05, run.quantileUpperBound(0.5), "75th of 150 is in (0.01, 0.05]");
        assertEquals(0.1, run.quantileUpperBound(0.99), "149th of 150 is in (0.05, 0.1]");
        assertEquals(Double.POSITIVE_INFINITY, run.quantileUpperBound(1.0));
    }

    @Test
    void aPageWithoutTheHistogramIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> ScrapedHistogram.parse("up 1\n", NAME));
    }
}
