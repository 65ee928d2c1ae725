package com.motioness.protocol;

import com.fasterxml.jackson.core.io.SerializedString;

/**
 * The JSON fields of an event in wire order, each with the rule its value must follow whatever the
 * event type. Which fields a type requires or forbids is {@link EventType}'s business.
 */
enum Field {
    TYPE("type"),
    // Ids appear in URL paths and Redis keys: no characters that need escaping in either.
    ASSET_ID("asset_id", 128, Chars.ID),
    PROJECT_ID("project_id", 128, Chars.ID),
    TS("ts", 1, Long.MAX_VALUE),
    ATTEMPT("attempt", 1, 1_000_000),
    STAGE("stage", 64, Chars.CODE),
    // 2^53 - 1: the largest integer a JavaScript client reads back exactly.
    LATENCY_MS("latency_ms", 0, (1L << 53) - 1),
    ERROR_CODE("error_code", 64, Chars.CODE),
    /** Free text: any Unicode but NUL, so {@code allowed} is null. */
    ERROR_MSG("error_msg", 2048, null),
    REQUEST_ID("request_id", 128, Chars.PRINTABLE);

    /** The name in JSON. */
    final String jsonName;
    /** The name pre-encoded for Jackson's generator. */
    final SerializedString key;
    /** This field's bit in a set of fields held as an int. */
    final int bit;
    /** For text fields: the longest value in UTF-16 code units; 0 for numbers. */
    final int maxLength;
    /** For text fields: the allowed characters, or null for free text. */
    final AsciiSet allowed;
    /** For integer fields: the smallest allowed value. */
    final long min;
    /** For integer fields: the largest allowed value. */
    final long max;

    Field(final String jsonName) {
        this(jsonName, 0, null, 0, 0);
    }

    Field(final String jsonName, final int maxLength, final AsciiSet allowed) {
        this(jsonName, maxLength, allowed, 0, 0);
    }

    Field(final String jsonName, final long min, final long max) {
        this(jsonName, 0, null, min, max);
    }

    Field(final String jsonName, final int maxLength, final AsciiSet allowed, final long min, final long max) {
        this.jsonName = jsonName;
        this.key = new SerializedString(jsonName);
        this.bit = 1 << ordinal();
        this.maxLength = maxLength;
        this.allowed = allowed;
        this.min = min;
        this.max = max;
    }

    /**
     * Looks a field up by its JSON name.
     *
     * @return the field, or null for a name outside the contract
     */
    static Field ofJsonName(final String name) {
        switch (name) {
            case "type":
                return TYPE;
            case "asset_id":
                return ASSET_ID;
            case "project_id":
                return PROJECT_ID;
            case "ts":
                return TS;
            case "attempt":
                return ATTEMPT;
            case "stage":
                return STAGE;
            case "latency_ms":
                return LATENCY_MS;
            case "error_code":
                return ERROR_CODE;
            case "error_msg":
                return ERROR_MSG;
            case "request_id":
                return REQUEST_ID;
            default:
                return null;
        }
    }

    EventValidationException error(final String detail) {
        return new EventValidationException(jsonName, detail);
    }

    EventValidationException outOfRange() {
        return error("must be in " + min + ".." + max);
    }

    /** Checks an integer field's value. */
    long checkRange(final long value) throws EventValidationException {
        if (value < min || value > max) {
            throw outOfRange();
        }
        return value;
    }

    /** Checks a text field's value, which must not be null. */
    String checkText(final String value) throws EventValidationException {
        final int length = value.length();
        if (length == 0 || length > maxLength) {
            throw error("must be 1.." + maxLength + " characters, got " + length);
        }
        if (allowed != null) {
            final int bad = allowed.indexOfNonMember(value);
            if (bad >= 0) {
                throw error("invalid character at index " + bad + "; allowed: " + allowed.description());
            }
        } else {
            checkFreeText(value);
        }
        return value;
    }

    private void checkFreeText(final String value) throws EventValidationException {
        for (int i = 0, n = value.length(); i < n; i++) {
            final char c = value.charAt(i);
            if (c == 0) {
                throw error("must not contain NUL (at index " + i + ")");
            }
            // A lone surrogate cannot be written as UTF-8, so an event holding one could never be
            // encoded; reject it here rather than fail later on the delivery side.
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw error("unpaired surrogate at index " + i);
            }
        }
    }

    /** The character sets of the text fields. */
    private static final class Chars {
        static final AsciiSet ID = AsciiSet.alphanumericAnd("._:~-");
        static final AsciiSet CODE = AsciiSet.alphanumericAnd("._:-");
        static final AsciiSet PRINTABLE = AsciiSet.range('!', '~', "printable ASCII 0x21-0x7E");
    }
}
