package com.motioness.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AssetEventTest {

    private static void assertInvalid(final AssetEvent.Builder b, final String field, final String message) {
        final Executable build = b::build;
        final EventValidationException e = assertThrows(EventValidationException.class, build);
        assertEquals(field, e.field());
        assertEquals(message, e.getMessage());
        assertEquals(-1, e.index());
    }

    @Test
    void accessorsReturnWhatWasBuilt() throws EventValidationException {
        final AssetEvent e = AssetEvent.builder(EventType.STAGE_FAILED)
                .assetId("a1")
                .projectId("p1")
                .ts(42)
                .attempt(7)
                .stage("encode")
                .error("c.1", "boom")
                .requestId("r-1")
                .build();
        assertEquals(EventType.STAGE_FAILED, e.type());
        assertEquals("a1", e.assetId());
        assertEquals("p1", e.projectId());
        assertEquals(42, e.ts());
        assertEquals(7, e.attempt());
        assertEquals("encode", e.stage());
        assertFalse(e.hasLatencyMs());
        assertEquals(0, e.latencyMs());
        assertEquals("c.1", e.errorCode());
        assertEquals("boom", e.errorMsg());
        assertEquals("r-1", e.requestId());

        final AssetEvent done =
                Examples.minimal(EventType.STAGE_COMPLETED).latencyMs(0).build();
        assertTrue(done.hasLatencyMs());
        assertEquals(0, done.latencyMs());
        assertNull(done.errorCode());
        assertNull(done.errorMsg());
        assertNull(Examples.minimal(EventType.QUEUED).build().stage());
    }

    @Test
    void builderChecksWhatJsonCannotExpress() {
        assertInvalid(AssetEvent.builder(null).assetId("a1"), "type", "type: required");
        assertInvalid(
                AssetEvent.builder(EventType.QUEUED)
                        .assetId("a1")
                        .projectId("p1")
                        .attempt(1)
                        .requestId("r"),
                "ts",
                "ts: required");
        assertInvalid(
                AssetEvent.builder(EventType.QUEUED)
                        .assetId("a1")
                        .projectId("p1")
                        .ts(1)
                        .requestId("r"),
                "attempt",
                "attempt: required");
        assertInvalid(
                Examples.minimal(EventType.QUEUED).ts(Long.MIN_VALUE), "ts", "ts: must be in 1..9223372036854775807");
        assertInvalid(
                Examples.minimal(EventType.QUEUED).attempt(Integer.MIN_VALUE),
                "attempt",
                "attempt: must be in 1..1000000");
        assertInvalid(
                Examples.minimal(EventType.VISION_COMPLETED).latencyMs(Long.MAX_VALUE),
                "latency_ms",
                "latency_ms: must be in 0..9007199254740991");
        assertInvalid(
                Examples.minimal(EventType.QUEUED).latencyMs(1), "latency_ms", "latency_ms: not allowed on queued");
        assertInvalid(
                Examples.minimal(EventType.FAILED).error("c", null), "error_msg", "error_msg: required on failed");
        assertInvalid(
                Examples.minimal(EventType.FAILED).error(null, "m"), "error_code", "error_code: required on failed");
        assertInvalid(
                Examples.minimal(EventType.FAILED).error(null, null), "error_code", "error_code: required on failed");
        assertInvalid(
                Examples.minimal(EventType.CANCELLED).error("c", null),
                "error_msg",
                "error_msg: required when error_code is present");
        assertInvalid(
                Examples.minimal(EventType.CANCELLED).error(null, "m"),
                "error_code",
                "error_code: required when error_msg is present");
        assertInvalid(
                Examples.minimal(EventType.READY).error(null, "m"), "error_msg", "error_msg: not allowed on ready");
        assertInvalid(
                Examples.minimal(EventType.STAGE_STARTED).stage(null), "stage", "stage: required on stage_started");
        assertInvalid(
                Examples.minimal(EventType.QUEUED).requestId("req 1"),
                "request_id",
                "request_id: invalid character at index 3; allowed: printable ASCII 0x21-0x7E");
        assertInvalid(
                Examples.minimal(EventType.FAILED).error("c", "a\u0000"),
                "error_msg",
                "error_msg: must not contain NUL (at index 1)");
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void minimalEventOfEveryTypeIsValid(final EventType type) throws EventValidationException {
        final AssetEvent e = Examples.minimal(type).build();
        assertEquals(type, e.type());
        assertEquals(e, EventJson.decode(EventJson.encode(e)));
    }

    @Test
    void builderIsReusableAndEachBuildIsANewValue() throws EventValidationException {
        final AssetEvent.Builder b = Examples.minimal(EventType.QUEUED);
        final AssetEvent first = b.build();
        final AssetEvent second = b.attempt(2).build();
        assertEquals(1, first.attempt());
        assertEquals(2, second.attempt());
        assertNotSame(first, b.attempt(1).build());
        assertEquals(first, b.build());
    }

    @Test
    void equalsAndHashCodeCoverEveryField() throws EventValidationException {
        final AssetEvent base =
                Examples.goldenBuilder(EventType.STAGE_COMPLETED).build();
        final AssetEvent same =
                Examples.goldenBuilder(EventType.STAGE_COMPLETED).build();
        assertEquals(base, same);
        assertEquals(base.hashCode(), same.hashCode());
        assertNotEquals(base, null);
        assertNotEquals(base, "x");
        assertNotEquals(
                base,
                Examples.goldenBuilder(EventType.STAGE_COMPLETED).assetId("a2").build());
        assertNotEquals(
                base,
                Examples.goldenBuilder(EventType.STAGE_COMPLETED)
                        .projectId("p2")
                        .build());
        assertNotEquals(
                base, Examples.goldenBuilder(EventType.STAGE_COMPLETED).ts(1).build());
        assertNotEquals(
                base,
                Examples.goldenBuilder(EventType.STAGE_COMPLETED).attempt(2).build());
        assertNotEquals(
                base,
                Examples.goldenBuilder(EventType.STAGE_COMPLETED).stage("other").build());
        assertNotEquals(
                base,
                Examples.goldenBuilder(EventType.STAGE_COMPLETED).latencyMs(813).build());
        assertNotEquals(
                base,
                Examples.goldenBuilder(EventType.STAGE_COMPLETED)
                        .requestId("req-2")
                        .build());
        final AssetEvent failed = Examples.goldenBuilder(EventType.FAILED).build();
        assertNotEquals(
                failed,
                Examples.goldenBuilder(EventType.FAILED)
                        .error("other", failed.errorMsg())
                        .build());
        assertNotEquals(
                failed,
                Examples.goldenBuilder(EventType.FAILED)
                        .error(failed.errorCode(), "other")
                        .build());
        assertNotEquals(
                Examples.minimal(EventType.QUEUED).build(),
                Examples.minimal(EventType.READY).build());
        assertNotEquals(
                Examples.minimal(EventType.QUEUED).build(),
                Examples.minimal(EventType.QUEUED).stage("s").build());
        assertNotEquals(
                Examples.minimal(EventType.R2_WRITE_COMPLETED).latencyMs(0).build(),
                Examples.minimal(EventType.R2_WRITE_COMPLETED).latencyMs(1).build());
    }

    @Test
    void toStringNamesPresentFields() throws EventValidationException {
        assertEquals(
                "AssetEvent{type=stage_completed, assetId=a1, projectId=p1, ts=1764300000000, attempt=1,"
                        + " stage=upscale, latencyMs=812, requestId=req-1}",
                Examples.goldenBuilder(EventType.STAGE_COMPLETED).build().toString());
        assertEquals(
                "AssetEvent{type=cancelled, assetId=a1, projectId=p1, ts=1764300000015, attempt=1,"
                        + " errorCode=user.cancelled, errorMsg=cancelled by user, requestId=req-1}",
                Examples.goldenBuilder(EventType.CANCELLED).build().toString());
    }

    @Test
    void validationExceptionIsCheapAndCarriesItsIndex() {
        final EventValidationException e = new EventValidationException("latency_ms", "required on stage_completed");
        assertEquals("latency_ms: required on stage_completed", e.getMessage());
        assertEquals("latency_ms", e.field());
        assertEquals(-1, e.index());
        assertEquals(0, e.getStackTrace().length);

        final EventValidationException at = e.atIndex(7);
        assertNotSame(e, at);
        assertEquals(7, at.index());
        assertEquals(e.field(), at.field());
        assertEquals(e.getMessage(), at.getMessage());
        assertEquals(-1, e.index());
        assertEquals(0, at.getStackTrace().length);
        assertEquals(-1, at.atIndex(-1).index());
        assertThrows(IllegalArgumentException.class, () -> e.atIndex(-2));
    }

    @org.junit.jupiter.api.Test
    void isValidIdFollowsTheIdRule() {
        org.junit.jupiter.api.Assertions.assertTrue(AssetEvent.isValidId("a"));
        org.junit.jupiter.api.Assertions.assertTrue(AssetEvent.isValidId("ast_01H.x:y~z-1"));
        org.junit.jupiter.api.Assertions.assertTrue(AssetEvent.isValidId("a".repeat(128)));
        for (final String bad : new String[] {null, "", "a".repeat(129), "a/b", "a b", "é", "a%2F", "a\n"}) {
            org.junit.jupiter.api.Assertions.assertFalse(AssetEvent.isValidId(bad), String.valueOf(bad));
        }
    }
}
