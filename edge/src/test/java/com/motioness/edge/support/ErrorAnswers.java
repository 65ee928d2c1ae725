package com.motioness.edge.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks of the edge's error answers: a status and {@code {"error":"<code>","message":"..."}}. */
public final class ErrorAnswers {
    private ErrorAnswers() {}

    /** Fails unless {@code response} is the JSON error {@code code} with {@code status}; {@code what} names the case. */
    public static void assertError(RawResponse response, int status, String code, String what) {
        assertEquals(status, response.status(), what + ": " + response.bodyText());
        assertEquals("application/json; charset=utf-8", response.header("content-type"), what);
        assertTrue(
                response.bodyText().startsWith("{\"error\":\"" + code + "\",\"message\":\""),
                what + ": " + response.bodyText());
    }
}
