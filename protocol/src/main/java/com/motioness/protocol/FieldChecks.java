package com.motioness.protocol;

/** The character and range rules of each field; every failure names its field. */
final class FieldChecks {
    static final int MAX_ID_LENGTH = 128;
    static final int MAX_CODE_LENGTH = 64;
    static final int MAX_ERROR_MSG_LENGTH = 2048;
    static final int MAX_ATTEMPT = 1_000_000;
    /** 2^53 - 1: the largest integer JavaScript reads exactly. */
    static final long MAX_SAFE_INTEGER = 9_007_199_254_740_991L;

    private FieldChecks() {
    }

    /** Asset and project ids: they appear in URL paths and Redis keys. */
    static void id(String field, String value) throws EventValidationException {
        required(field, value);
        length(field, value, MAX_ID_LENGTH);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isIdChar(c) && c != '~') {
                throw new EventValidationException(field, field + ": only A-Z a-z 0-9 . _ : ~ - are allowed");
            }
        }
    }

    /** Stage names and error codes. */
    static void code(String field, String value) throws EventValidationException {
        length(field, value, MAX_CODE_LENGTH);
        for (int i = 0; i < value.length(); i++) {
            if (!isIdChar(value.charAt(i))) {
                throw new EventValidationException(field, field + ": only A-Z a-z 0-9 . _ : - are allowed");
            }
        }
    }

    static void requestId(String value) throws EventValidationException {
        required("request_id", value);
        length("request_id", value, MAX_ID_LENGTH);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new EventValidationException("request_id", "request_id: only printable ASCII is allowed");
            }
        }
    }

    static void errorMsg(String value) throws EventValidationException {
        length("error_msg", value, MAX_ERROR_MSG_LENGTH);
        if (value.indexOf('\0') >= 0) {
            throw new EventValidationException("error_msg", "error_msg: NUL is not allowed");
        }
    }

    static void required(String field, Object value) throws EventValidationException {
        if (value == null) {
            throw new EventValidationException(field, field + ": required");
        }
    }

    private static void length(String field, String value, int max) throws EventValidationException {
        if (value.isEmpty()) {
            throw new EventValidationException(field, field + ": must not be empty");
        }
        if (value.length() > max) {
            throw new EventValidationException(field, field + ": longer than " + max + " characters");
        }
    }

    private static boolean isIdChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == ':' || c == '-';
    }

    /** Applies a type's rule to an optional field. */
    static void rule(FieldRule rule, boolean present, String field, EventType type)
            throws EventValidationException {
        if (rule == FieldRule.REQUIRED && !present) {
            throw new EventValidationException(field, field + ": required on " + type.wireName());
        }
        if (rule == FieldRule.FORBIDDEN && present) {
            throw new EventValidationException(field, field + ": not allowed on " + type.wireName());
        }
    }
}
