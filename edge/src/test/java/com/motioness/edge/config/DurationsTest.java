package com.motioness.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations and sizes as operators write them. */
class DurationsTest {
    @Test
    void durationsParseAndFormatShortest() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(15), Durations.parse("15s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals("15s", Durations.format(Duration.ofMillis(15_000)));
        assertEquals("5m", Durations.format(Duration.ofSeconds(300)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("2h", Durations.format(Duration.ofMinutes(120)));
        assertEquals("0s", Durations.format(Duration.ZERO));
        for (String text : new String[] {"500ms", "15s", "5m", "1h", "1500ms", "0s"}) {
            assertEquals(text, Durations.format(Durations.parse(text)));
        }
    }

    @Test
    void durationsRejectAnythingElse() {
        for (String bad : new String[] {"", "5", "5x", "-1s", "1.5s", "s", "5 s", "5S", "99999999999999999999h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertEquals("expected a duration like 500ms, 15s, 5m or 1h, got \"" + bad + "\"", e.getMessage());
        }
    }

    @Test
    void sizesParseWithBinarySuffixes() {
        assertEquals(131072, ByteSizes.parse("131072"));
        assertEquals(131072, ByteSizes.parse("128k"));
        assertEquals(131072, ByteSizes.parse("128K"));
        assertEquals(131072, ByteSizes.parse("128KiB"));
        assertEquals(1048576, ByteSizes.parse("1m"));
        assertEquals(1048576, ByteSizes.parse("1MiB"));
        assertEquals("128k", ByteSizes.format(131072));
        assertEquals("1m", ByteSizes.format(1048576));
        assertEquals("1000", ByteSizes.format(1000));
        for (String bad : new String[] {"", "k", "1g", "1.5m", "-1", "1 k", "99999999999"}) {
            assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("4096m"), "over an int");
    }
}
