package com.motioness.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventJsonTest {

    private static final String QUEUED = Examples.GOLDEN.get(EventType.QUEUED);
    private static final String READY = Examples.GOLDEN.get(EventType.READY);

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes a batch from a heap buffer and releases it. */
    static List<AssetEvent> decodeBatch(final String body) throws EventValidationException {
        final ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        try {
            return EventJson.decodeBatch(buf);
        } finally {
            buf.release();
        }
    }

    private static EventValidationException assertBodyError(
            final Executable decode, final String message, final int index) {
        final EventValidationException e = assertThrows(EventValidationException.class, decode);
        assertEquals("body", e.field());
        assertEquals(message, e.getMessage());
        assertEquals(index, e.index());
        return e;
    }

    private static EventValidationException assertDecodeError(final String json, final String message) {
        return assertBodyError(() -> EventJson.decode(utf8(json)), message, -1);
    }

    // ---- golden encodings ------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(EventType.class)
    void encodesEveryTypeToGoldenBytes(final EventType type) throws EventValidationException {
        final AssetEvent event = Examples.goldenBuilder(type).build();
        final byte[] golden = utf8(Examples.GOLDEN.get(type));
        assertEquals(Examples.GOLDEN.get(type), new String(EventJson.encode(event), StandardCharsets.UTF_8));
        assertArrayEquals(golden, EventJson.encode(event));

        final ByteBuf out = Unpooled.buffer(4);
        try {
            out.writeByte('>');
            EventJson.encode(event, out);
            assertEquals('>', out.readByte());
            assertArrayEquals(golden, ByteBufUtil.getBytes(out));
        } finally {
            out.release();
        }
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void decodesEveryGoldenAndRoundTrips(final EventType type) throws EventValidationException {
        final AssetEvent expected = Examples.goldenBuilder(type).build();
        final AssetEvent decoded = EventJson.decode(utf8(Examples.GOLDEN.get(type)));
        assertEquals(expected, decoded);
        assertEquals(decoded, EventJson.decode(EventJson.encode(decoded)));
    }

    @Test
    void briefExampleIsExact() throws EventValidationException {
        final AssetEvent e = AssetEvent.builder(EventType.STAGE_COMPLETED)
                .assetId("a1")
                .projectId("p1")
                .ts(1764300000000L)
                .attempt(1)
                .stage("upscale")
                .latencyMs(812)
                .requestId("req-1")
                .build();
        assertEquals(
                "{\"type\":\"stage_completed\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000000,"
                        + "\"attempt\":1,\"stage\":\"upscale\",\"latency_ms\":812,\"request_id\":\"req-1\"}",
                new String(EventJson.encode(e), StandardCharsets.UTF_8));
    }

    @Test
    void encodingNeverHoldsRawLineBreaksOrOtherControlCharacters() throws EventValidationException {
        final StringBuilder msg = new StringBuilder();
        for (char c = 1; c < 0x20; c++) {
            msg.append(c);
        }
        msg.append("\u007f\u0085\u2028\u2029 end");
        final AssetEvent e =
                Examples.minimal(EventType.FAILED).error("c", msg.toString()).build();
        final byte[] json = EventJson.encode(e);
        for (final byte b : json) {
            assertTrue(b >= 0x20 || b < 0, "raw control byte " + b);
        }
        assertEquals(e, EventJson.decode(json));
    }

    @Test
    void nonAsciiErrorMessageIsUtf8AndRoundTrips() throws EventValidationException {
        final String msg = "échec — ошибка 🚀 失败";
        final AssetEvent e = Examples.minimal(EventType.FAILED).error("c", msg).build();
        final byte[] json = EventJson.encode(e);
        final String expected = "\"error_msg\":\"" + msg + "\"";
        assertTrue(new String(json, StandardCharsets.UTF_8).contains(expected));
        // written as UTF-8, not as \\u escapes
        assertTrue(ByteBufUtil.indexOf(Unpooled.wrappedBuffer(utf8(expected)), Unpooled.wrappedBuffer(json)) >= 0);
        final AssetEvent back = EventJson.decode(json);
        assertEquals(msg, back.errorMsg());
        assertEquals(e, back);
    }

    // ---- decode: whole-document problems ---------------------------------------------------

    @Test
    void rejectsMalformedJsonWithShortMessage() {
        assertDecodeError("{\"type\":\"queued\",}", "body: malformed JSON at offset 17");
        assertDecodeError("{\"type\" \"queued\"}", "body: malformed JSON at offset 8");
        assertDecodeError("{'type':'queued'}", "body: malformed JSON at offset 1");
        assertDecodeError("{\"ts\":01}", "body: malformed JSON at offset 7");
        assertDecodeError("{\"ts\":NaN}", "body: malformed JSON at offset 9");
        assertDecodeError("{\"stage\":\"x\u0001\"}", "body: malformed JSON at offset 11");
        assertDecodeError("nope", "body: malformed JSON at offset 4");
    }

    @Test
    void malformedMessageNeverEchoesTheInput() {
        final EventValidationException e =
                assertDecodeError("{\"type\":\"queued\", secret-token-xyz }", "body: malformed JSON at offset 18");
        assertFalse(e.getMessage().contains("secret"));
    }

    @Test
    void rejectsTruncatedJson() {
        assertDecodeError("{\"type\":\"queued\"", "body: unexpected end of JSON at offset 16");
        assertDecodeError("{\"type\":\"que", "body: unexpected end of JSON at offset 12");
        assertDecodeError("{", "body: unexpected end of JSON at offset 1");
    }

    @Test
    void rejectsInvalidUtf8() {
        final byte[] json = utf8("{\"type\":\"queued\"}");
        json[9] = (byte) 0xC3; // a lead byte followed by an ASCII byte
        assertBodyError(() -> EventJson.decode(json), "body: malformed JSON at offset 11", -1);
    }

    @Test
    void rejectsUtf16AndUtf32() {
        for (final String charset : List.of("UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE")) {
            final byte[] json = (QUEUED).getBytes(java.nio.charset.Charset.forName(charset));
            assertBodyError(() -> EventJson.decode(json), "body: JSON must be UTF-8", -1);
        }
    }

    @Test
    void acceptsUtf8ByteOrderMark() throws EventValidationException {
        final byte[] golden = utf8(QUEUED);
        final byte[] withBom = new byte[golden.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(golden, 0, withBom, 3, golden.length);
        assertEquals(EventJson.decode(golden), EventJson.decode(withBom));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\r\n\t "})
    void rejectsEmptyDocument(final String json) {
        assertDecodeError(json, "body: no JSON value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "5", "\"queued\"", "null", "true"})
    void decodeRejectsAnythingButAnObject(final String json) {
        assertDecodeError(json, "body: expected a JSON object");
    }

    @Test
    void decodeRejectsAnArrayEvenOfOneEvent() {
        assertDecodeError("[" + QUEUED + "]", "body: expected a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {" x", "x", " {}", "{}", "[]", ",", "}", " 1", "\"\"", " /* c */"})
    void rejectsTrailingContent(final String trailing) {
        assertDecodeError(QUEUED + trailing, "body: unexpected content after the JSON value");
    }

    @Test
    void acceptsTrailingWhitespace() throws EventValidationException {
        assertEquals(EventJson.decode(utf8(QUEUED)), EventJson.decode(utf8(QUEUED + " \r\n\t\n")));
    }

    // ---- decode: size limit ----------------------------------------------------------------

    /** A valid queued event padded with whitespace inside the object to exactly {@code size} bytes. */
    private static String paddedTo(final int size) {
        final String padding = " ".repeat(size - QUEUED.length());
        return "{" + padding + QUEUED.substring(1);
    }

    @Test
    void acceptsEventOfExactlyMaxBytes() throws EventValidationException {
        final String json = paddedTo(EventJson.MAX_EVENT_BYTES);
        assertEquals(EventJson.MAX_EVENT_BYTES, utf8(json).length);
        assertEquals(EventJson.decode(utf8(QUEUED)), EventJson.decode(utf8(json)));
        assertEquals(1, decodeBatch("[" + json + "]").size());
        assertEquals(1, decodeBatch(json).size());
    }

    @Test
    void rejectsEventLargerThanMaxBytes() {
        final String json = paddedTo(EventJson.MAX_EVENT_BYTES + 1);
        assertDecodeError(json, "body: event larger than 16384 bytes");
        // trailing whitespace counts: the limit is on the document a single decode reads
        assertDecodeError(QUEUED + " ".repeat(EventJson.MAX_EVENT_BYTES), "body: event larger than 16384 bytes");
        assertBodyError(() -> decodeBatch("[" + QUEUED + ",\n" + json + "]"), "body: event larger than 16384 bytes", 1);
        assertBodyError(() -> decodeBatch(json), "body: event larger than 16384 bytes", -1);
    }

    @Test
    void rejectsHugeTokensAsOversizedEventsWithoutBufferingThem() {
        final String hugeString = "{\"error_msg\":\"" + "x".repeat(3 * EventJson.MAX_EVENT_BYTES) + "\"}";
        assertBodyError(
                () -> decodeBatch("[" + QUEUED + "," + hugeString + "]"), "body: event larger than 16384 bytes", 1);
        final String hugeName = "{\"" + "n".repeat(3 * EventJson.MAX_EVENT_BYTES) + "\":1}";
        assertBodyError(() -> decodeBatch("[" + hugeName + "]"), "body: event larger than 16384 bytes", 0);
        final String hugeNumber = "{\"ts\":" + "1".repeat(3 * EventJson.MAX_EVENT_BYTES) + "}";
        assertBodyError(() -> decodeBatch(hugeNumber), "body: event larger than 16384 bytes", -1);
    }

    @Test
    void unknownNamesAreEchoedAtMost64Characters() {
        final String name = "n".repeat(100);
        final EventValidationException e =
                assertThrows(EventValidationException.class, () -> EventJson.decode(utf8("{\"" + name + "\":1}")));
        assertEquals("n".repeat(64), e.field());
        assertEquals("n".repeat(64) + ": unknown field", e.getMessage());

        final EventValidationException type = assertThrows(
                EventValidationException.class, () -> EventJson.decode(utf8("{\"type\":\"" + name + "\"}")));
        assertEquals("type: unknown event type \"" + "n".repeat(64) + "\"", type.getMessage());
    }

    // ---- decode from ByteBuf ---------------------------------------------------------------

    @Test
    void decodesHeapSliceDirectAndCompositeBuffersWithoutMovingThem() throws EventValidationException {
        final AssetEvent expected = Examples.goldenBuilder(EventType.READY).build();
        final byte[] json = utf8(READY);

        final ByteBuf heap = Unpooled.buffer();
        heap.writeBytes(utf8("garbage")).writeBytes(json).writeBytes(utf8("more garbage"));
        heap.readerIndex(7);
        final ByteBuf slice = heap.slice(7, json.length);
        final ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(json);
        final CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.copiedBuffer(json, 0, 10))
                .addComponent(true, Unpooled.directBuffer().writeBytes(json, 10, json.length - 10));
        try {
            assertBodyError(() -> EventJson.decode(heap), "body: unexpected content after the JSON value", -1);
            for (final ByteBuf buf : List.of(slice, direct, composite)) {
                final int readerIndex = buf.readerIndex();
                final int writerIndex = buf.writerIndex();
                assertEquals(expected, EventJson.decode(buf));
                assertEquals(List.of(expected), EventJson.decodeBatch(buf));
                assertEquals(readerIndex, buf.readerIndex());
                assertEquals(writerIndex, buf.writerIndex());
                assertEquals(1, buf.refCnt());
            }
            assertEquals(7, heap.readerIndex());
        } finally {
            heap.release();
            direct.release();
            composite.release();
        }
    }

    @Test
    void offsetsAreRelativeToTheReaderIndexWhateverTheBuffer() {
        final byte[] json = utf8("{\"type\":\"queued\",}");
        final ByteBuf heap = Unpooled.buffer().writeBytes(utf8("01234")).writeBytes(json);
        heap.readerIndex(5);
        final ByteBuf direct = Unpooled.directBuffer().writeBytes(json);
        try {
            assertBodyError(() -> EventJson.decode(heap), "body: malformed JSON at offset 17", -1);
            assertBodyError(() -> EventJson.decode(heap.slice()), "body: malformed JSON at offset 17", -1);
            assertBodyError(() -> EventJson.decode(direct), "body: malformed JSON at offset 17", -1);
        } finally {
            heap.release();
            direct.release();
        }
    }

    // ---- batches ---------------------------------------------------------------------------

    @Test
    void batchOfOneObject() throws EventValidationException {
        assertEquals(List.of(EventJson.decode(utf8(QUEUED))), decodeBatch(" " + QUEUED + "\n"));
    }

    @Test
    void batchArrayKeepsOrderAndIsUnmodifiable() throws EventValidationException {
        final StringBuilder body = new StringBuilder("[");
        for (final EventType type : EventType.values()) {
            body.append(type.ordinal() == 0 ? "" : ",\n ").append(Examples.GOLDEN.get(type));
        }
        final List<AssetEvent> events = decodeBatch(body.append("]").toString());
        assertEquals(EventType.values().length, events.size());
        for (final EventType type : EventType.values()) {
            assertEquals(Examples.goldenBuilder(type).build(), events.get(type.ordinal()));
        }
        assertThrows(UnsupportedOperationException.class, () -> events.add(events.get(0)));
    }

    @Test
    void batchOfExactlyMaxEvents() throws EventValidationException {
        final String body =
                "[" + String.join(",", java.util.Collections.nCopies(EventJson.MAX_BATCH_EVENTS, QUEUED)) + "]";
        assertEquals(1000, EventJson.MAX_BATCH_EVENTS);
        assertEquals(EventJson.MAX_BATCH_EVENTS, decodeBatch(body).size());
    }

    @Test
    void rejectsBatchOfMoreThanMaxEvents() {
        // the 1001st element is not even read: it is malformed here
        final String body = "[" + String.join(",", java.util.Collections.nCopies(EventJson.MAX_BATCH_EVENTS, QUEUED))
                + ",{\"x\":}]";
        assertBodyError(() -> decodeBatch(body), "body: more than 1000 events", -1);
    }

    @Test
    void rejectsEmptyBatch() {
        assertBodyError(() -> decodeBatch("[]"), "body: empty array", -1);
        assertBodyError(() -> decodeBatch(" [ \n ] "), "body: empty array", -1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "5", "\"x\"", "null", "false"})
    void batchRejectsAnythingButObjectOrArray(final String body) {
        assertBodyError(
                () -> decodeBatch(body),
                body.isBlank() ? "body: no JSON value" : "body: expected a JSON object or array",
                -1);
    }

    @Test
    void batchElementThatIsNotAnObjectCarriesItsIndex() {
        assertBodyError(() -> decodeBatch("[" + QUEUED + ",5]"), "body: expected a JSON object", 1);
        assertBodyError(
                () -> decodeBatch("[" + QUEUED + "," + QUEUED + ",[" + QUEUED + "]]"),
                "body: expected a JSON object",
                2);
        assertBodyError(() -> decodeBatch("[null]"), "body: expected a JSON object", 0);
    }

    @Test
    void batchValidationErrorCarriesItsIndex() {
        final EventValidationException e = assertThrows(
                EventValidationException.class,
                () -> decodeBatch("[" + QUEUED + "," + QUEUED.replace("\"attempt\":1", "\"attempt\":0") + "]"));
        assertEquals("attempt", e.field());
        assertEquals("attempt: must be in 1..1000000", e.getMessage());
        assertEquals(1, e.index());
    }

    @Test
    void batchOfOneObjectReportsNoIndex() {
        final EventValidationException e = assertThrows(
                EventValidationException.class, () -> decodeBatch(QUEUED.replace("\"attempt\":1", "\"attempt\":0")));
        assertEquals("attempt", e.field());
        assertEquals(-1, e.index());
    }

    @Test
    void batchMalformedJsonCarriesTheIndexOfTheElementBeingRead() {
        assertBodyError(
                () -> decodeBatch("[" + QUEUED + ",{\"type\" 1}]"),
                "body: malformed JSON at offset " + (QUEUED.length() + 10),
                1);
        assertBodyError(
                () -> decodeBatch("[" + QUEUED + "," + QUEUED),
                "body: unexpected end of JSON at offset " + (2 * QUEUED.length() + 2),
                2);
        assertBodyError(
                () -> decodeBatch("[" + QUEUED + " " + QUEUED + "]"),
                "body: malformed JSON at offset " + (QUEUED.length() + 2),
                1);
    }

    @Test
    void batchRejectsTrailingContent() {
        assertBodyError(() -> decodeBatch("[" + QUEUED + "] x"), "body: unexpected content after the JSON value", -1);
        assertBodyError(() -> decodeBatch("[" + QUEUED + "][]"), "body: unexpected content after the JSON value", -1);
        assertBodyError(() -> decodeBatch(QUEUED + QUEUED), "body: unexpected content after the JSON value", -1);
    }
}
