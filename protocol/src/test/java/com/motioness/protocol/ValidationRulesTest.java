package com.motioness.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of the contract, as JSON that breaks it. The decoder validates through
 * {@link AssetEvent.Builder#build()}, so these also cover the builder's value rules;
 * {@link AssetEventTest} covers what only the builder can express.
 */
class ValidationRulesTest {

    /** The fields every type needs, minus {@code type}; JSON written with ' for ". */
    private static final String BASE =
            "'asset_id':'a1','project_id':'p1','ts':1764300000000,'attempt':1,'request_id':'req-1'";

    private static String json(final String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /** An object of type {@code type} with BASE, then {@code extra} (may override by duplicating: not used). */
    private static String event(final String type, final String extra) {
        return json("{'type':'" + type + "'," + BASE + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    /** The BASE fields with {@code field} replaced by {@code replacement} (or removed if empty). */
    private static String replacing(final String type, final String field, final String replacement) {
        final StringBuilder fields = new StringBuilder("'type':'" + type + "'");
        for (final String part : BASE.split(",")) {
            if (part.startsWith("'" + field + "'")) {
                if (!replacement.isEmpty()) {
                    fields.append(',').append(replacement);
                }
            } else {
                fields.append(',').append(part);
            }
        }
        return json("{" + fields + "}");
    }

    static Stream<Arguments> invalid() {
        final String x129 = "x".repeat(129);
        final String x65 = "x".repeat(65);
        return Stream.of(
                // type
                Arguments.of(json("{" + BASE + "}"), "type", "type: required"),
                Arguments.of(json("{'type':null," + BASE + "}"), "type", "type: required"),
                Arguments.of(event("foo", ""), "type", "type: unknown event type \"foo\""),
                Arguments.of(event("QUEUED", ""), "type", "type: unknown event type \"QUEUED\""),
                Arguments.of(event("", ""), "type", "type: unknown event type \"\""),
                Arguments.of(json("{'type':5," + BASE + "}"), "type", "type: must be a string"),
                Arguments.of(json("{'type':['queued']," + BASE + "}"), "type", "type: must be a string"),
                // asset_id
                Arguments.of(replacing("queued", "asset_id", ""), "asset_id", "asset_id: required"),
                Arguments.of(replacing("queued", "asset_id", "'asset_id':null"), "asset_id", "asset_id: required"),
                Arguments.of(
                        replacing("queued", "asset_id", "'asset_id':''"),
                        "asset_id",
                        "asset_id: must be 1..128 characters, got 0"),
                Arguments.of(
                        replacing("queued", "asset_id", "'asset_id':'" + x129 + "'"),
                        "asset_id",
                        "asset_id: must be 1..128 characters, got 129"),
                Arguments.of(
                        replacing("queued", "asset_id", "'asset_id':'a/b'"),
                        "asset_id",
                        "asset_id: invalid character at index 1; allowed: A-Z a-z 0-9 . _ : ~ -"),
                Arguments.of(
                        replacing("queued", "asset_id", "'asset_id':'a b'"),
                        "asset_id",
                        "asset_id: invalid character at index 1"),
                Arguments.of(
                        replacing("queued", "asset_id", "'asset_id':'ab%2F'"),
                        "asset_id",
                        "asset_id: invalid character at index 2"),
                Arguments.of(
                        replacing("queued", "asset_id", "'asset_id':'é'"),
                        "asset_id",
                        "asset_id: invalid character at index 0"),
                Arguments.of(
                        replacing("queued", "asset_id", "'asset_id':'a\\n'"),
                        "asset_id",
                        "asset_id: invalid character at index 1"),
                Arguments.of(replacing("queued", "asset_id", "'asset_id':5"), "asset_id", "asset_id: must be a string"),
                Arguments.of(
                        replacing("queued", "asset_id", "'asset_id':{'a':1}"),
                        "asset_id",
                        "asset_id: must be a string"),
                // project_id
                Arguments.of(replacing("queued", "project_id", ""), "project_id", "project_id: required"),
                Arguments.of(
                        replacing("queued", "project_id", "'project_id':null"), "project_id", "project_id: required"),
                Arguments.of(
                        replacing("queued", "project_id", "'project_id':''"),
                        "project_id",
                        "project_id: must be 1..128 characters, got 0"),
                Arguments.of(
                        replacing("queued", "project_id", "'project_id':'" + x129 + "'"),
                        "project_id",
                        "project_id: must be 1..128 characters, got 129"),
                Arguments.of(
                        replacing("queued", "project_id", "'project_id':'p?1'"),
                        "project_id",
                        "project_id: invalid character at index 1"),
                Arguments.of(
                        replacing("queued", "project_id", "'project_id':true"),
                        "project_id",
                        "project_id: must be a string"),
                // ts
                Arguments.of(replacing("queued", "ts", ""), "ts", "ts: required"),
                Arguments.of(replacing("queued", "ts", "'ts':null"), "ts", "ts: required"),
                Arguments.of(replacing("queued", "ts", "'ts':'123'"), "ts", "ts: must be an integer"),
                Arguments.of(replacing("queued", "ts", "'ts':1.5"), "ts", "ts: must be an integer"),
                Arguments.of(replacing("queued", "ts", "'ts':1.0"), "ts", "ts: must be an integer"),
                Arguments.of(replacing("queued", "ts", "'ts':1e3"), "ts", "ts: must be an integer"),
                Arguments.of(replacing("queued", "ts", "'ts':true"), "ts", "ts: must be an integer"),
                Arguments.of(replacing("queued", "ts", "'ts':[1]"), "ts", "ts: must be an integer"),
                Arguments.of(replacing("queued", "ts", "'ts':0"), "ts", "ts: must be in 1..9223372036854775807"),
                Arguments.of(replacing("queued", "ts", "'ts':-1"), "ts", "ts: must be in 1..9223372036854775807"),
                Arguments.of(
                        replacing("queued", "ts", "'ts':9223372036854775808"),
                        "ts",
                        "ts: must be in 1..9223372036854775807"),
                Arguments.of(
                        replacing("queued", "ts", "'ts':-9223372036854775809"),
                        "ts",
                        "ts: must be in 1..9223372036854775807"),
                // attempt
                Arguments.of(replacing("queued", "attempt", ""), "attempt", "attempt: required"),
                Arguments.of(replacing("queued", "attempt", "'attempt':null"), "attempt", "attempt: required"),
                Arguments.of(
                        replacing("queued", "attempt", "'attempt':0"), "attempt", "attempt: must be in 1..1000000"),
                Arguments.of(
                        replacing("queued", "attempt", "'attempt':-1"), "attempt", "attempt: must be in 1..1000000"),
                Arguments.of(
                        replacing("queued", "attempt", "'attempt':1000001"),
                        "attempt",
                        "attempt: must be in 1..1000000"),
                // 2^32 + 1 would narrow to 1 if it were cast before the range check.
                Arguments.of(
                        replacing("queued", "attempt", "'attempt':4294967297"),
                        "attempt",
                        "attempt: must be in 1..1000000"),
                Arguments.of(
                        replacing("queued", "attempt", "'attempt':99999999999999999999"),
                        "attempt",
                        "attempt: must be in 1..1000000"),
                Arguments.of(replacing("queued", "attempt", "'attempt':'1'"), "attempt", "attempt: must be an integer"),
                Arguments.of(replacing("queued", "attempt", "'attempt':1.5"), "attempt", "attempt: must be an integer"),
                Arguments.of(
                        replacing("queued", "attempt", "'attempt':true"), "attempt", "attempt: must be an integer"),
                // request_id
                Arguments.of(replacing("queued", "request_id", ""), "request_id", "request_id: required"),
                Arguments.of(
                        replacing("queued", "request_id", "'request_id':null"), "request_id", "request_id: required"),
                Arguments.of(
                        replacing("queued", "request_id", "'request_id':''"),
                        "request_id",
                        "request_id: must be 1..128 characters, got 0"),
                Arguments.of(
                        replacing("queued", "request_id", "'request_id':'" + x129 + "'"),
                        "request_id",
                        "request_id: must be 1..128 characters, got 129"),
                Arguments.of(
                        replacing("queued", "request_id", "'request_id':'a b'"),
                        "request_id",
                        "request_id: invalid character at index 1; allowed: printable ASCII 0x21-0x7E"),
                Arguments.of(
                        replacing("queued", "request_id", "'request_id':'ab\\u007f'"),
                        "request_id",
                        "request_id: invalid character at index 2"),
                Arguments.of(
                        replacing("queued", "request_id", "'request_id':'\\t'"),
                        "request_id",
                        "request_id: invalid character at index 0"),
                Arguments.of(
                        replacing("queued", "request_id", "'request_id':'é'"),
                        "request_id",
                        "request_id: invalid character at index 0"),
                Arguments.of(
                        replacing("queued", "request_id", "'request_id':7"),
                        "request_id",
                        "request_id: must be a string"),
                // stage
                Arguments.of(event("stage_started", ""), "stage", "stage: required on stage_started"),
                Arguments.of(event("stage_completed", "'latency_ms':1"), "stage", "stage: required on stage_completed"),
                Arguments.of(
                        event("stage_failed", "'stage':null,'error_code':'c','error_msg':'m'"),
                        "stage",
                        "stage: required on stage_failed"),
                Arguments.of(event("queued", "'stage':''"), "stage", "stage: must be 1..64 characters, got 0"),
                Arguments.of(
                        event("queued", "'stage':'" + x65 + "'"), "stage", "stage: must be 1..64 characters, got 65"),
                Arguments.of(
                        event("queued", "'stage':'a~b'"),
                        "stage",
                        "stage: invalid character at index 1; allowed: A-Z a-z 0-9 . _ : -"),
                Arguments.of(event("queued", "'stage':'a b'"), "stage", "stage: invalid character at index 1"),
                Arguments.of(event("stage_started", "'stage':5"), "stage", "stage: must be a string"),
                // latency_ms
                Arguments.of(
                        event("stage_completed", "'stage':'s'"),
                        "latency_ms",
                        "latency_ms: required on stage_completed"),
                Arguments.of(
                        event("vision_completed", "'latency_ms':null"),
                        "latency_ms",
                        "latency_ms: required on vision_completed"),
                Arguments.of(
                        event("r2_write_completed", ""), "latency_ms", "latency_ms: required on r2_write_completed"),
                Arguments.of(event("queued", "'latency_ms':5"), "latency_ms", "latency_ms: not allowed on queued"),
                Arguments.of(
                        event("stage_started", "'stage':'s','latency_ms':0"),
                        "latency_ms",
                        "latency_ms: not allowed on stage_started"),
                Arguments.of(
                        event("failed", "'latency_ms':5,'error_code':'c','error_msg':'m'"),
                        "latency_ms",
                        "latency_ms: not allowed on failed"),
                Arguments.of(
                        event("vision_completed", "'latency_ms':-1"),
                        "latency_ms",
                        "latency_ms: must be in 0..9007199254740991"),
                Arguments.of(
                        event("vision_completed", "'latency_ms':9007199254740992"),
                        "latency_ms",
                        "latency_ms: must be in 0..9007199254740991"),
                Arguments.of(
                        event("vision_completed", "'latency_ms':18446744073709551616"),
                        "latency_ms",
                        "latency_ms: must be in 0..9007199254740991"),
                Arguments.of(
                        event("vision_completed", "'latency_ms':'5'"), "latency_ms", "latency_ms: must be an integer"),
                Arguments.of(
                        event("vision_completed", "'latency_ms':5.0"), "latency_ms", "latency_ms: must be an integer"),
                // error_code and error_msg
                Arguments.of(event("failed", ""), "error_code", "error_code: required on failed"),
                Arguments.of(event("vision_failed", ""), "error_code", "error_code: required on vision_failed"),
                Arguments.of(
                        event("stage_failed", "'stage':'s'"), "error_code", "error_code: required on stage_failed"),
                Arguments.of(
                        event("webhook_failed", "'error_code':null,'error_msg':null"),
                        "error_code",
                        "error_code: required on webhook_failed"),
                Arguments.of(event("failed", "'error_code':'c'"), "error_msg", "error_msg: required on failed"),
                Arguments.of(event("failed", "'error_msg':'m'"), "error_code", "error_code: required on failed"),
                Arguments.of(
                        event("cancelled", "'error_code':'c'"),
                        "error_msg",
                        "error_msg: required when error_code is present"),
                Arguments.of(
                        event("retry_scheduled", "'error_msg':'m'"),
                        "error_code",
                        "error_code: required when error_msg is present"),
                Arguments.of(
                        event("webhook_dead_letter", "'error_code':'c','error_msg':null"),
                        "error_msg",
                        "error_msg: required when error_code is present"),
                Arguments.of(
                        event("queued", "'error_code':'c','error_msg':'m'"),
                        "error_code",
                        "error_code: not allowed on queued"),
                Arguments.of(event("ready", "'error_msg':'m'"), "error_msg", "error_msg: not allowed on ready"),
                Arguments.of(
                        event("stage_completed", "'stage':'s','latency_ms':1,'error_code':'c','error_msg':'m'"),
                        "error_code",
                        "error_code: not allowed on stage_completed"),
                Arguments.of(
                        event("failed", "'error_code':'','error_msg':'m'"),
                        "error_code",
                        "error_code: must be 1..64 characters, got 0"),
                Arguments.of(
                        event("failed", "'error_code':'" + x65 + "','error_msg':'m'"),
                        "error_code",
                        "error_code: must be 1..64 characters, got 65"),
                Arguments.of(
                        event("failed", "'error_code':'a b','error_msg':'m'"),
                        "error_code",
                        "error_code: invalid character at index 1; allowed: A-Z a-z 0-9 . _ : -"),
                Arguments.of(
                        event("failed", "'error_code':'a~','error_msg':'m'"),
                        "error_code",
                        "error_code: invalid character at index 1"),
                Arguments.of(
                        event("failed", "'error_code':5,'error_msg':'m'"),
                        "error_code",
                        "error_code: must be a string"),
                Arguments.of(
                        event("failed", "'error_code':'c','error_msg':''"),
                        "error_msg",
                        "error_msg: must be 1..2048 characters, got 0"),
                Arguments.of(
                        event("failed", "'error_code':'c','error_msg':'" + "x".repeat(2049) + "'"),
                        "error_msg",
                        "error_msg: must be 1..2048 characters, got 2049"),
                Arguments.of(
                        event("failed", "'error_code':'c','error_msg':'ab\\u0000'"),
                        "error_msg",
                        "error_msg: must not contain NUL (at index 2)"),
                Arguments.of(
                        event("failed", "'error_code':'c','error_msg':'\\ud800'"),
                        "error_msg",
                        "error_msg: unpaired surrogate at index 0"),
                Arguments.of(
                        event("failed", "'error_code':'c','error_msg':'\\ud800x'"),
                        "error_msg",
                        "error_msg: unpaired surrogate at index 0"),
                Arguments.of(
                        event("failed", "'error_code':'c','error_msg':'x\\udc00'"),
                        "error_msg",
                        "error_msg: unpaired surrogate at index 1"),
                Arguments.of(
                        event("failed", "'error_code':'c','error_msg':'\\udc00\\ud800'"),
                        "error_msg",
                        "error_msg: unpaired surrogate at index 0"),
                Arguments.of(
                        event("failed", "'error_code':'c','error_msg':['m']"),
                        "error_msg",
                        "error_msg: must be a string"),
                // unknown and duplicate fields
                Arguments.of(event("queued", "'foo':1"), "foo", "foo: unknown field"),
                Arguments.of(event("queued", "'Type':'queued'"), "Type", "Type: unknown field"),
                Arguments.of(event("vision_completed", "'latencyMs':5"), "latencyMs", "latencyMs: unknown field"),
                Arguments.of(event("queued", "'':null"), "", ": unknown field"),
                Arguments.of(event("queued", "'ts':1764300000001"), "ts", "ts: duplicate field"),
                Arguments.of(event("queued", "'type':'queued'"), "type", "type: duplicate field"),
                Arguments.of(event("queued", "'stage':null,'stage':'s'"), "stage", "stage: duplicate field"),
                // first problem in wire order wins once all fields are read: asset_id before request_id
                Arguments.of(json("{'type':'queued','ts':1,'attempt':1}"), "asset_id", "asset_id: required"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void decodeRejects(final String json, final String field, final String messagePrefix) {
        final EventValidationException e = assertThrows(
                EventValidationException.class, () -> EventJson.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(field, e.field(), json);
        assertTrue(e.getMessage().startsWith(messagePrefix), () -> e.getMessage() + " for " + json);
        assertTrue(e.getMessage().startsWith(e.field() + ": "), e.getMessage());
        assertEquals(-1, e.index());
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void decodeBatchRejectsTheSameElementWithItsIndex(
            final String json, final String field, final String messagePrefix) {
        final String valid = Examples.GOLDEN.get(EventType.QUEUED);
        final EventValidationException e = assertThrows(
                EventValidationException.class,
                () -> EventJsonTest.decodeBatch("[" + valid + "," + valid + ",\n" + json + "," + valid + "]"));
        assertEquals(field, e.field(), json);
        assertTrue(e.getMessage().startsWith(messagePrefix), () -> e.getMessage() + " for " + json);
        assertEquals(2, e.index());
    }

    static Stream<Arguments> validEdges() {
        final AssetEvent.Builder queued = Examples.minimal(EventType.QUEUED);
        return Stream.of(
                // type may come last
                Arguments.of(json("{" + BASE + ",'type':'queued'}"), queued),
                Arguments.of(
                        json("{'request_id':'req-1','attempt':1,'ts':1764300000000,'project_id':'p1','asset_id':'a1',"
                                + "'latency_ms':812,'stage':'upscale','type':'stage_completed'}"),
                        Examples.minimal(EventType.STAGE_COMPLETED)),
                // null optional fields are absent, even where the type forbids the field
                Arguments.of(
                        event("queued", "'stage':null,'latency_ms':null,'error_code':null,'error_msg':null"), queued),
                Arguments.of(
                        event("cancelled", "'error_code':null,'error_msg':null"),
                        Examples.minimal(EventType.CANCELLED)),
                // whitespace between tokens
                Arguments.of(
                        " \t\r\n" + json("{ 'type' : 'queued' ,\n" + BASE.replace(",", " ,\r\n ") + " }") + "\n ",
                        queued),
                // limits, inclusive
                Arguments.of(
                        replacing("ready", "asset_id", "'asset_id':'" + "a".repeat(128) + "'"),
                        Examples.minimal(EventType.READY).assetId("a".repeat(128))),
                Arguments.of(
                        replacing("ready", "project_id", "'project_id':'" + "P".repeat(128) + "'"),
                        Examples.minimal(EventType.READY).projectId("P".repeat(128))),
                // inserted after the ' to " conversion, since it holds both
                Arguments.of(
                        replacing("ready", "request_id", "'request_id':'@'").replace("@", printableAscii(true)),
                        Examples.minimal(EventType.READY).requestId(printableAscii(false))),
                Arguments.of(
                        replacing("ready", "ts", "'ts':1"),
                        Examples.minimal(EventType.READY).ts(1)),
                Arguments.of(
                        replacing("ready", "attempt", "'attempt':1000000"),
                        Examples.minimal(EventType.READY).attempt(1_000_000)),
                Arguments.of(
                        event("ready", "'stage':'" + "s".repeat(64) + "'"),
                        Examples.minimal(EventType.READY).stage("s".repeat(64))),
                Arguments.of(
                        event("r2_write_completed", "'latency_ms':9007199254740991"),
                        Examples.minimal(EventType.R2_WRITE_COMPLETED).latencyMs(9007199254740991L)),
                Arguments.of(
                        event(
                                "failed",
                                "'error_code':'" + "c".repeat(64) + "','error_msg':'" + "🚀".repeat(1024) + "'"),
                        Examples.minimal(EventType.FAILED).error("c".repeat(64), "🚀".repeat(1024))),
                Arguments.of(
                        event("failed", "'error_code':'c','error_msg':'\\ud83d\\ude80 \\u2028'"),
                        Examples.minimal(EventType.FAILED).error("c", "🚀 \u2028")),
                // -0 is the integer 0
                Arguments.of(
                        event("vision_completed", "'latency_ms':-0"),
                        Examples.minimal(EventType.VISION_COMPLETED).latencyMs(0)));
    }

    /** Every character from 0x21 to 0x7E, optionally escaped for a JSON string. */
    private static String printableAscii(final boolean escaped) {
        final StringBuilder s = new StringBuilder();
        for (char c = '!'; c <= '~'; c++) {
            if (escaped && (c == '"' || c == '\\')) {
                s.append('\\');
            }
            s.append(c);
        }
        return s.toString();
    }

    @ParameterizedTest
    @MethodSource("validEdges")
    void decodeAccepts(final String json, final AssetEvent.Builder expected) throws EventValidationException {
        final AssetEvent event = EventJson.decode(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(expected.build(), event);
        assertEquals(event, EventJson.decode(EventJson.encode(event)));
        assertFalse(new String(EventJson.encode(event), StandardCharsets.UTF_8).contains("null"));
    }
}
