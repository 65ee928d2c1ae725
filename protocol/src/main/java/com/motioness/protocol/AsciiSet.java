package com.motioness.protocol;

/**
 * A set of ASCII characters as two 64-bit masks, so membership is a shift and a mask instead of a
 * regex or a lookup in a collection.
 */
final class AsciiSet {
    private final long low;
    private final long high;
    private final String description;

    private AsciiSet(final long low, final long high, final String description) {
        this.low = low;
        this.high = high;
        this.description = description;
    }

    /**
     * Creates a set holding the letters, the digits and {@code extra}.
     *
     * @param extra further ASCII characters to admit
     * @return the set
     */
    static AsciiSet alphanumericAnd(final String extra) {
        final StringBuilder members = new StringBuilder(62 + extra.length());
        final StringBuilder description = new StringBuilder("A-Z a-z 0-9");
        for (char c = 'A'; c <= 'Z'; c++) {
            members.append(c).append((char) (c + ('a' - 'A')));
        }
        for (char c = '0'; c <= '9'; c++) {
            members.append(c);
        }
        for (int i = 0; i < extra.length(); i++) {
            description.append(' ').append(extra.charAt(i));
        }
        return of(members.append(extra), description.toString());
    }

    /**
     * Creates a set holding the characters from {@code first} to {@code last} inclusive.
     *
     * @param first the lowest member
     * @param last the highest member
     * @param description how error messages name the set
     * @return the set
     */
    static AsciiSet range(final char first, final char last, final String description) {
        final StringBuilder members = new StringBuilder();
        for (char c = first; c <= last; c++) {
            members.append(c);
        }
        return of(members, description);
    }

    private static AsciiSet of(final CharSequence members, final String description) {
        long low = 0;
        long high = 0;
        for (int i = 0; i < members.length(); i++) {
            final char c = members.charAt(i);
            if (c >= 128) {
                throw new IllegalArgumentException("not ASCII: " + (int) c);
            }
            if (c < 64) {
                low |= 1L << c;
            } else {
                high |= 1L << (c - 64);
            }
        }
        return new AsciiSet(low, high, description);
    }

    boolean contains(final char c) {
        // A long shift uses only the low six bits of its distance, so c and c - 64 index the masks.
        return c < 64 ? (low & (1L << c)) != 0 : c < 128 && (high & (1L << (c - 64))) != 0;
    }

    /**
     * Returns the index of the first character of {@code s} outside this set.
     *
     * @param s the text to check
     * @return the index, or -1 if every character is a member
     */
    int indexOfNonMember(final CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (!contains(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Returns how error messages name the set, for example {@code A-Z a-z 0-9 . _ -}. */
    String description() {
        return description;
    }
}
