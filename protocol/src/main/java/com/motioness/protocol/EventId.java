package com.motioness.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * An event's position in its stream, Redis-stream style: the milliseconds part orders events in
 * time and the sequence part orders events within one millisecond.
 *
 * <p>The text form is {@code <ms>} when the sequence is zero and {@code <ms>-<seq>} otherwise.
 * It is what the server sends as the SSE {@code id:} and what browsers send back as
 * {@code Last-Event-ID}; the public documentation promises {@code id: <ms>}, and the short form
 * keeps that promise for the common case. {@code "1700"} and {@code "1700-0"} denote the same id.
 *
 * <p>The static methods work on the two longs directly, so the delivery path can size and write
 * ids as ASCII without allocating an {@code EventId} or a {@code String}.
 */
public final class EventId implements Comparable<EventId> {
    /** The id before every event: resuming from it replays the whole stream. */
    public static final EventId ZERO = new EventId(0, 0);

    /** The most digits a part may have: {@code Long.MAX_VALUE} has 19. */
    private static final int MAX_PART_DIGITS = 19;

    /** The longest piece of input echoed back in a parse error. */
    private static final int MAX_ECHO = 40;

    /** 10^0 to 10^18: every power of ten a long can hold. */
    private static final long[] POWERS_OF_TEN = powersOfTen();

    private final long ms;
    private final long seq;

    /**
     * Creates an id.
     *
     * @param ms the milliseconds part, {@code >= 0}
     * @param seq the sequence part, {@code >= 0}
     * @throws IllegalArgumentException if either part is negative
     */
    public EventId(final long ms, final long seq) {
        checkParts(ms, seq);
        this.ms = ms;
        this.seq = seq;
    }

    /**
     * Returns the milliseconds part.
     *
     * @return the milliseconds part, {@code >= 0}
     */
    public long ms() {
        return ms;
    }

    /**
     * Returns the sequence part.
     *
     * @return the sequence part, {@code >= 0}
     */
    public long seq() {
        return seq;
    }

    /**
     * Parses {@code <ms>} or {@code <ms>-<seq>}: ASCII digits only, each part 1 to 19 digits and at
     * most {@link Long#MAX_VALUE}; no sign, no spaces.
     *
     * @param s the text, for example a {@code Last-Event-ID} header value
     * @return the id
     * @throws IllegalArgumentException if {@code s} is not a valid id; the message quotes at most
     *     40 characters of it, with anything outside printable ASCII shown as {@code ?}
     * @throws NullPointerException if {@code s} is null
     */
    public static EventId parse(final CharSequence s) {
        Objects.requireNonNull(s, "s");
        final int length = s.length();
        int dash = -1;
        for (int i = 0; i < length; i++) {
            final char c = s.charAt(i);
            if (c == '-' && dash < 0) {
                dash = i;
            } else if (c < '0' || c > '9') {
                throw malformed(s);
            }
        }
        if (length == 0 || dash == 0 || dash == length - 1) {
            throw malformed(s);
        }
        if (dash < 0) {
            return new EventId(parsePart(s, 0, length), 0);
        }
        return new EventId(parsePart(s, 0, dash), parsePart(s, dash + 1, length));
    }

    /** Parses the digits in {@code [from, to)}, which the caller has checked are 1 or more digits. */
    private static long parsePart(final CharSequence s, final int from, final int to) {
        if (to - from > MAX_PART_DIGITS) {
            throw new IllegalArgumentException("id part longer than " + MAX_PART_DIGITS + " digits, got " + quote(s));
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            final int digit = s.charAt(i) - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                throw new IllegalArgumentException("id part exceeds " + Long.MAX_VALUE + ", got " + quote(s));
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static IllegalArgumentException malformed(final CharSequence s) {
        return new IllegalArgumentException("expected <ms> or <ms>-<seq>, got " + quote(s));
    }

    /** Quotes untrusted input for a message: bounded, and nothing that could forge a log line. */
    private static String quote(final CharSequence s) {
        final int shown = Math.min(s.length(), MAX_ECHO);
        final StringBuilder q = new StringBuilder(shown + 5).append('"');
        for (int i = 0; i < shown; i++) {
            final char c = s.charAt(i);
            q.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        if (shown < s.length()) {
            q.append("...");
        }
        return q.append('"').toString();
    }

    /**
     * Orders ids given as parts: by milliseconds, then by sequence.
     *
     * @param ms1 the first id's milliseconds
     * @param seq1 the first id's sequence
     * @param ms2 the second id's milliseconds
     * @param seq2 the second id's sequence
     * @return negative, zero or positive as the first id is before, equal to or after the second
     */
    public static int compare(final long ms1, final long seq1, final long ms2, final long seq2) {
        final int byMs = Long.compare(ms1, ms2);
        return byMs != 0 ? byMs : Long.compare(seq1, seq2);
    }

    /**
     * Returns the number of bytes of the text form of an id, which {@link #writeAscii} writes.
     *
     * @param ms the milliseconds part, {@code >= 0}
     * @param seq the sequence part, {@code >= 0}
     * @return the length of {@code <ms>} or {@code <ms>-<seq>}
     * @throws IllegalArgumentException if either part is negative
     */
    public static int asciiLength(final long ms, final long seq) {
        checkParts(ms, seq);
        return seq == 0 ? digitCount(ms) : digitCount(ms) + 1 + digitCount(seq);
    }

    /**
     * Writes the text form of an id as ASCII at the writer index of {@code out}, with no
     * intermediate {@code String}; the bytes equal those of {@link #toString()}.
     *
     * @param out the buffer to write to; it grows as needed
     * @param ms the milliseconds part, {@code >= 0}
     * @param seq the sequence part, {@code >= 0}
     * @throws IllegalArgumentException if either part is negative
     */
    public static void writeAscii(final ByteBuf out, final long ms, final long seq) {
        checkParts(ms, seq);
        final int msDigits = digitCount(ms);
        final int seqDigits = seq == 0 ? 0 : digitCount(seq);
        final int length = seq == 0 ? msDigits : msDigits + 1 + seqDigits;
        out.ensureWritable(length);
        final int index = out.writerIndex();
        putDigits(out, index, msDigits, ms);
        if (seq != 0) {
            out.setByte(index + msDigits, '-');
            putDigits(out, index + msDigits + 1, seqDigits, seq);
        }
        out.writerIndex(index + length);
    }

    /** Fills {@code [index, index + digits)} from the end: the last digit is the cheapest to find. */
    private static void putDigits(final ByteBuf out, final int index, final int digits, final long value) {
        long remaining = value;
        for (int i = index + digits - 1; i >= index; i--) {
            out.setByte(i, '0' + (int) (remaining % 10));
            remaining /= 10;
        }
    }

    /** Returns the number of decimal digits of {@code value >= 0} without a loop over its digits. */
    static int digitCount(final long value) {
        // floor(log10) from the bit length (1233 / 4096 ~ log10(2)), then corrected by one
        // comparison; "| 1" makes 0 count as one digit and never crosses a power of ten.
        final long v = value | 1;
        final int guess = ((64 - Long.numberOfLeadingZeros(v)) * 1233) >>> 12;
        return guess + (v >= POWERS_OF_TEN[guess] ? 1 : 0);
    }

    private static void checkParts(final long ms, final long seq) {
        if ((ms | seq) < 0) {
            throw new IllegalArgumentException("id parts must be >= 0, got ms=" + ms + ", seq=" + seq);
        }
    }

    private static long[] powersOfTen() {
        final long[] powers = new long[19];
        powers[0] = 1;
        for (int i = 1; i < powers.length; i++) {
            powers[i] = powers[i - 1] * 10;
        }
        return powers;
    }

    /**
     * Returns the id in Redis stream form, which always carries the sequence.
     *
     * @return {@code <ms>-<seq>}
     */
    public String toRedisId() {
        return ms + "-" + seq;
    }

    /**
     * Returns the greatest id before this one: the same millisecond with the sequence before, or
     * the millisecond before with the largest sequence.
     *
     * @return the id just before this one
     * @throws IllegalArgumentException for {@link #ZERO}, which has none
     */
    public EventId previous() {
        return seq > 0 ? new EventId(ms, seq - 1) : new EventId(ms - 1, Long.MAX_VALUE);
    }

    /**
     * Orders ids by milliseconds, then by sequence.
     *
     * @param other the id to compare with
     * @return negative, zero or positive as this id is before, equal to or after {@code other}
     */
    @Override
    public int compareTo(final EventId other) {
        return compare(ms, seq, other.ms, other.seq);
    }

    /**
     * Compares both parts.
     *
     * @param o the other object
     * @return true if {@code o} is an {@code EventId} with equal parts
     */
    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EventId)) {
            return false;
        }
        final EventId that = (EventId) o;
        return ms == that.ms && seq == that.seq;
    }

    /**
     * Hashes both parts.
     *
     * @return a hash consistent with {@link #equals(Object)}
     */
    @Override
    public int hashCode() {
        return 31 * Long.hashCode(ms) + Long.hashCode(seq);
    }

    /**
     * Returns the text form, as sent in the SSE {@code id:} line.
     *
     * @return {@code <ms>} when the sequence is zero, otherwise {@code <ms>-<seq>}
     */
    @Override
    public String toString() {
        return seq == 0 ? Long.toString(ms) : ms + "-" + seq;
    }
}
