package com.motioness.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventIdTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0, 0, 0-0",
        "1700, 0, 1700, 1700-0",
        "1700-0, 0, 1700, 1700-0",
        "1700-1, 1, 1700-1, 1700-1",
        "1764300000000-42, 42, 1764300000000-42, 1764300000000-42",
        "0000001-0000, 0, 1, 1-0",
        "9223372036854775807-9223372036854775807, 9223372036854775807, 9223372036854775807-9223372036854775807,"
                + " 9223372036854775807-9223372036854775807",
    })
    void parsesAndFormats(final String text, final long seq, final String string, final String redis) {
        final EventId id = EventId.parse(text);
        assertEquals(seq, id.seq());
        assertEquals(string, id.toString());
        assertEquals(redis, id.toRedisId());
        assertEquals(id, EventId.parse(id.toString()));
        assertEquals(id, EventId.parse(id.toRedisId()));
    }

    @Test
    void previousIsTheGreatestIdBefore() {
        assertEquals(new EventId(5, 2), new EventId(5, 3).previous());
        assertEquals(new EventId(4, Long.MAX_VALUE), new EventId(5, 0).previous());
        assertTrue(new EventId(4, Long.MAX_VALUE).compareTo(new EventId(5, 0)) < 0);
        assertThrows(IllegalArgumentException.class, EventId.ZERO::previous);
    }

    @Test
    void shortAndLongFormsAreTheSameId() {
        final EventId shortForm = EventId.parse("1700");
        final EventId longForm = EventId.parse("1700-0");
        assertEquals(shortForm, longForm);
        assertEquals(shortForm.hashCode(), longForm.hashCode());
        assertEquals(0, shortForm.compareTo(longForm));
        assertEquals(new EventId(1700, 0), shortForm);
        assertEquals(1700, shortForm.ms());
        assertEquals("1700", longForm.toString());
        assertEquals(EventId.ZERO, EventId.parse("0"));
        assertEquals("0", EventId.ZERO.toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "-1",
                "1-",
                "-",
                "1--2",
                "1-2-3",
                "a",
                "1a",
                "1-a",
                " 1",
                "1 ",
                "1 -2",
                "+1",
                "1-+2",
                "1.5",
                "0x10",
                "１",
                "1\n",
                "1-2\u0000"
            })
    void rejectsMalformedIds(final String text) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventId.parse(text));
        assertTrue(e.getMessage().startsWith("expected <ms> or <ms>-<seq>, got \""), e.getMessage());
    }

    @Test
    void malformedMessageQuotesTheInputBoundedAndSanitised() {
        assertEquals(
                "expected <ms> or <ms>-<seq>, got \"abc\"",
                assertThrows(IllegalArgumentException.class, () -> EventId.parse("abc"))
                        .getMessage());
        assertEquals(
                "expected <ms> or <ms>-<seq>, got \"\"",
                assertThrows(IllegalArgumentException.class, () -> EventId.parse(""))
                        .getMessage());
        assertEquals(
                "expected <ms> or <ms>-<seq>, got \"" + "x".repeat(40) + "...\"",
                assertThrows(IllegalArgumentException.class, () -> EventId.parse("x".repeat(1000)))
                        .getMessage());
        assertEquals(
                "expected <ms> or <ms>-<seq>, got \"1?2?x?\"",
                assertThrows(IllegalArgumentException.class, () -> EventId.parse("1\r2\nx\u00e9"))
                        .getMessage());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "99999999999999999999",
                "9223372036854775808",
                "9999999999999999999",
                "1-9223372036854775808",
                "18446744073709551615-0"
            })
    void rejectsPartsBeyondLongMaxValue(final String text) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventId.parse(text));
        assertTrue(e.getMessage().startsWith("id part "), e.getMessage());
        assertTrue(e.getMessage().endsWith("got \"" + text + "\""), e.getMessage());
    }

    @Test
    void rejectsTwentyDigitPartsEvenWhenSmall() {
        assertEquals(
                "id part longer than 19 digits, got \"00000000000000000001\"",
                assertThrows(IllegalArgumentException.class, () -> EventId.parse("00000000000000000001"))
                        .getMessage());
        assertEquals(
                "id part longer than 19 digits, got \"1-00000000000000000001\"",
                assertThrows(IllegalArgumentException.class, () -> EventId.parse("1-00000000000000000001"))
                        .getMessage());
        assertEquals(
                "id part exceeds 9223372036854775807, got \"9223372036854775808\"",
                assertThrows(IllegalArgumentException.class, () -> EventId.parse("9223372036854775808"))
                        .getMessage());
        assertEquals(new EventId(1, 1), EventId.parse("0000000000000000001-0000000000000000001"));
    }

    @Test
    void parseAcceptsAnyCharSequence() {
        assertEquals(new EventId(12, 3), EventId.parse(new StringBuilder("12-3")));
        assertThrows(NullPointerException.class, () -> EventId.parse(null));
    }

    @Test
    void constructorRejectsNegativeParts() {
        assertThrows(IllegalArgumentException.class, () -> new EventId(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new EventId(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new EventId(Long.MIN_VALUE, Long.MIN_VALUE));
    }

    @Test
    void ordersByMillisecondsThenSequence() {
        final List<EventId> sorted = List.of(
                EventId.ZERO,
                new EventId(0, 1),
                new EventId(1, 0),
                new EventId(1, 5),
                new EventId(1, Long.MAX_VALUE),
                new EventId(2, 0),
                new EventId(Long.MAX_VALUE, 0),
                new EventId(Long.MAX_VALUE, Long.MAX_VALUE));
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = 0; j < sorted.size(); j++) {
                final EventId a = sorted.get(i);
                final EventId b = sorted.get(j);
                assertEquals(Integer.signum(Integer.compare(i, j)), Integer.signum(a.compareTo(b)), a + " vs " + b);
                assertEquals(
                        Integer.signum(Integer.compare(i, j)),
                        Integer.signum(EventId.compare(a.ms(), a.seq(), b.ms(), b.seq())),
                        a + " vs " + b);
                assertEquals(i == j, a.equals(b));
            }
        }
        final List<EventId> shuffled = new ArrayList<>(sorted);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));
        java.util.Collections.sort(shuffled);
        assertEquals(sorted, shuffled);
        assertNotEquals(new EventId(1, 2), new EventId(2, 1));
        assertNotEquals(new EventId(1, 2).hashCode(), new EventId(2, 1).hashCode());
    }

    private static void assertWritesLikeToString(final long ms, final long seq) {
        final String expected = new EventId(ms, seq).toString();
        final int length = EventId.asciiLength(ms, seq);
        assertEquals(expected.length(), length, expected);
        // Exactly the announced size, with a byte of prefix so a wrong start index shows.
        final ByteBuf out = Unpooled.buffer(length + 1, length + 1);
        try {
            out.writeByte('>');
            EventId.writeAscii(out, ms, seq);
            assertEquals(length + 1, out.writerIndex());
            assertEquals(">" + expected, out.toString(StandardCharsets.US_ASCII));
        } finally {
            out.release();
        }
    }

    @Test
    void writeAsciiMatchesToStringAtDigitBoundaries() {
        final long[] values = {0, 1, 9, 10, 11, 99, 100, 999, 1000, Long.MAX_VALUE, Long.MAX_VALUE - 1};
        for (final long ms : values) {
            for (final long seq : values) {
                assertWritesLikeToString(ms, seq);
            }
        }
        long power = 1;
        for (int digits = 1; digits <= 19; digits++) {
            assertWritesLikeToString(power, 0);
            assertWritesLikeToString(power - 1, power);
            assertWritesLikeToString(power + 1, power - 1);
            if (digits < 19) {
                assertWritesLikeToString(power * 10 - 1, 0);
                power *= 10;
            }
        }
    }

    @Test
    void writeAsciiMatchesToStringForRandomValues() {
        final SplittableRandom random = new SplittableRandom(20261128);
        for (int i = 0; i < 20_000; i++) {
            // Spread over every digit count, not just the 19-digit values a uniform long gives.
            final long ms = random.nextLong(Long.MAX_VALUE) >>> random.nextInt(63);
            final long seq = random.nextInt(4) == 0 ? 0 : random.nextLong(Long.MAX_VALUE) >>> random.nextInt(63);
            assertWritesLikeToString(ms, seq);
        }
    }

    @Test
    void digitCountAroundEveryPowerOfTen() {
        assertEquals(1, EventId.digitCount(0));
        long power = 1;
        for (int digits = 1; digits <= 19; digits++) {
            assertEquals(digits, EventId.digitCount(power), "10^" + (digits - 1));
            assertEquals(digits, EventId.digitCount(power + 1));
            if (digits > 1) {
                assertEquals(digits - 1, EventId.digitCount(power - 1));
            }
            if (digits < 19) {
                assertEquals(digits, EventId.digitCount(power * 10 - 1));
                power *= 10;
            }
        }
        assertEquals(19, EventId.digitCount(Long.MAX_VALUE));
        for (int bit = 0; bit < 63; bit++) {
            final long v = 1L << bit;
            assertEquals(Long.toString(v).length(), EventId.digitCount(v));
            assertEquals(Long.toString(v - 1).length(), EventId.digitCount(v - 1));
        }
    }

    @Test
    void staticHelpersRejectNegativeParts() {
        final ByteBuf out = Unpooled.buffer(8, 8);
        try {
            assertThrows(IllegalArgumentException.class, () -> EventId.asciiLength(-1, 0));
            assertThrows(IllegalArgumentException.class, () -> EventId.asciiLength(0, -1));
            assertThrows(IllegalArgumentException.class, () -> EventId.writeAscii(out, -5, 0));
            assertThrows(IllegalArgumentException.class, () -> EventId.writeAscii(out, 5, Long.MIN_VALUE));
            assertEquals(0, out.writerIndex());
        } finally {
            out.release();
        }
    }

    @Test
    void writeAsciiFailsRatherThanOverflowingAFixedBuffer() {
        final ByteBuf out = Unpooled.buffer(3, 3);
        try {
            assertThrows(IndexOutOfBoundsException.class, () -> EventId.writeAscii(out, 1234, 0));
            assertEquals(0, out.writerIndex());
        } finally {
            out.release();
        }
    }
}
