package com.motioness.protocol;

import io.netty.buffer.ByteBuf;

/**
 * An event's position in its stream, shaped like a Redis stream id: milliseconds and a sequence
 * within the millisecond. Written {@code <ms>} when the sequence is 0 and {@code <ms>-<seq>}
 * otherwise, so ids look like the spec's {@code id: <ms>} and stay unique where several events
 * share a millisecond. Clients treat ids as opaque and send back what they got.
 */
public final class EventId implements Comparable<EventId> {
    /** The smallest id. */
    public static final EventId ZERO = new EventId(0, 0);

    private static final int MAX_DIGITS = 19;

    private final long ms;
    private final long seq;

    /** @throws IllegalArgumentException when either part is negative */
    public EventId(long ms, long seq) {
        if (ms < 0 || seq < 0) {
            throw new IllegalArgumentException("id parts must not be negative");
        }
        this.ms = ms;
        this.seq = seq;
    }

    /** Milliseconds part. */
    public long ms() {
        return ms;
    }

    /** Sequence part. */
    public long seq() {
        return seq;
    }

    /**
     * Parses {@code <ms>} or {@code <ms>-<seq>}: ASCII digits only, no sign, no blanks, each part
     * at most 19 digits and within a long.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static EventId parse(CharSequence text) {
        int length = text.length();
        int dash = -1;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '-' && dash < 0) {
                dash = i;
            } else if (c < '0' || c > '9') {
                throw invalid(text);
            }
        }
        int msEnd = dash < 0 ? length : dash;
        long ms = parsePart(text, 0, msEnd);
        long seq = dash < 0 ? 0 : parsePart(text, dash + 1, length);
        return new EventId(ms, seq);
    }

    private static long parsePart(CharSequence text, int from, int to) {
        int digits = to - from;
        if (digits == 0 || digits > MAX_DIGITS) {
            throw invalid(text);
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                throw invalid(text);
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static IllegalArgumentException invalid(CharSequence text) {
        String shown = text.length() <= 40 ? text.toString() : text.subSequence(0, 40) + "...";
        return new IllegalArgumentException("expected <ms> or <ms>-<seq>, got \"" + shown + "\"");
    }

    /** Orders two ids given as parts, without creating objects. */
    public static int compare(long ms1, long seq1, long ms2, long seq2) {
        int byMs = Long.compare(ms1, ms2);
        return byMs != 0 ? byMs : Long.compare(seq1, seq2);
    }

    /** Bytes of the id's text form. */
    public static int asciiLength(long ms, long seq) {
        return seq == 0 ? digits(ms) : digits(ms) + 1 + digits(seq);
    }

    /** Writes the id's text form straight into the buffer, without creating a String. */
    public static void writeAscii(ByteBuf out, long ms, long seq) {
        putDigits(out, ms);
        if (seq != 0) {
            out.writeByte('-');
            putDigits(out, seq);
        }
    }

    private static int digits(long value) {
        int digits = 1;
        while (value >= 10) {
            value /= 10;
            digits++;
        }
        return digits;
    }

    /** Fills the digits from the end, as Agrona's putLongAscii does. */
    private static void putDigits(ByteBuf out, long value) {
        int count = digits(value);
        int at = out.writerIndex();
        out.ensureWritable(count);
        for (int i = at + count - 1; i >= at; i--) {
            out.setByte(i, '0' + (int) (value % 10));
            value /= 10;
        }
        out.writerIndex(at + count);
    }

    /** The Redis stream id form, always {@code <ms>-<seq>}. */
    public String toRedisId() {
        return ms + "-" + seq;
    }

    @Override
    public int compareTo(EventId other) {
        return compare(ms, seq, other.ms, other.seq);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventId other && ms == other.ms && seq == other.seq;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ms) * 31 + Long.hashCode(seq);
    }

    @Override
    public String toString() {
        return seq == 0 ? Long.toString(ms) : ms + "-" + seq;
    }
}
