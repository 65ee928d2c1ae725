package com.motioness.protocol.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.protocol.EventType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SseEncodingTest {

    /**
     * Writes into a buffer of exactly {@code length} bytes, which cannot grow, so a length that is
     * too small fails the write and one that is too large leaves bytes unwritten.
     */
    private static String writeExactly(final int length, final Consumer<ByteBuf> write) {
        final ByteBuf out = Unpooled.buffer(length, length);
        try {
            write.accept(out);
            assertEquals(length, out.readableBytes(), "announced length vs bytes written");
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    private static String eventFrame(final EventType type, final long ms, final long seq, final String data) {
        final byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return writeExactly(
                SseEncoding.eventFrameLength(type, ms, seq, bytes),
                out -> SseEncoding.writeEventFrame(out, type, ms, seq, bytes));
    }

    static Stream<Arguments> eventFrames() {
        return Stream.of(
                Arguments.of(
                        EventType.STAGE_COMPLETED,
                        1764300000000L,
                        0L,
                        "{\"type\":\"stage_completed\",\"stage\":\"upscale\",\"latency_ms\":812}",
                        "event: stage_completed\nid: 1764300000000\n"
                                + "data: {\"type\":\"stage_completed\",\"stage\":\"upscale\",\"latency_ms\":812}\n\n"),
                Arguments.of(
                        EventType.READY, 1764300000000L, 3L, "{}", "event: ready\nid: 1764300000000-3\ndata: {}\n\n"),
                Arguments.of(EventType.QUEUED, 0L, 0L, "x", "event: queued\nid: 0\ndata: x\n\n"),
                Arguments.of(
                        EventType.QUEUED,
                        Long.MAX_VALUE,
                        Long.MAX_VALUE,
                        "x",
                        "event: queued\nid: 9223372036854775807-9223372036854775807\ndata: x\n\n"),
                Arguments.of(EventType.FAILED, 5L, 0L, "a\nb", "event: failed\nid: 5\ndata: a\ndata: b\n\n"),
                Arguments.of(EventType.FAILED, 5L, 0L, "a\rb", "event: failed\nid: 5\ndata: a\ndata: b\n\n"),
                Arguments.of(EventType.FAILED, 5L, 0L, "a\r\nb", "event: failed\nid: 5\ndata: a\ndata: b\n\n"),
                // LF CR is two breaks (the CR starts a new line), CR CR LF too
                Arguments.of(EventType.FAILED, 5L, 0L, "a\n\rb", "event: failed\nid: 5\ndata: a\ndata: \ndata: b\n\n"),
                Arguments.of(
                        EventType.FAILED, 5L, 0L, "a\r\r\nb", "event: failed\nid: 5\ndata: a\ndata: \ndata: b\n\n"),
                Arguments.of(
                        EventType.FAILED,
                        5L,
                        0L,
                        "1\n2\r3\r\n4\n\n5",
                        "event: failed\nid: 5\ndata: 1\ndata: 2\ndata: 3\ndata: 4\ndata: \ndata: 5\n\n"),
                Arguments.of(EventType.FAILED, 5L, 0L, "a\n", "event: failed\nid: 5\ndata: a\ndata: \n\n"),
                Arguments.of(EventType.FAILED, 5L, 0L, "a\r", "event: failed\nid: 5\ndata: a\ndata: \n\n"),
                Arguments.of(EventType.FAILED, 5L, 0L, "a\r\n", "event: failed\nid: 5\ndata: a\ndata: \n\n"),
                Arguments.of(EventType.FAILED, 5L, 0L, "\na", "event: failed\nid: 5\ndata: \ndata: a\n\n"),
                Arguments.of(EventType.FAILED, 5L, 0L, "\r\n", "event: failed\nid: 5\ndata: \ndata: \n\n"),
                Arguments.of(EventType.FAILED, 5L, 0L, "\r", "event: failed\nid: 5\ndata: \ndata: \n\n"),
                Arguments.of(EventType.FAILED, 5L, 0L, "", "event: failed\nid: 5\ndata: \n\n"),
                Arguments.of(EventType.FAILED, 5L, 0L, "échec 🚀", "event: failed\nid: 5\ndata: échec 🚀\n\n"),
                // JSON pretty-printed across lines survives as JSON once the client joins lines with LF
                Arguments.of(
                        EventType.WEBHOOK_DEAD_LETTER,
                        12L,
                        1L,
                        "{\r\n  \"a\": 1\r\n}",
                        "event: webhook_dead_letter\nid: 12-1\ndata: {\ndata:   \"a\": 1\ndata: }\n\n"));
    }

    @ParameterizedTest
    @MethodSource("eventFrames")
    void eventFrameGoldenBytes(
            final EventType type, final long ms, final long seq, final String data, final String expected) {
        assertEquals(expected, eventFrame(type, ms, seq, data));
    }

    @ParameterizedTest
    @MethodSource("eventFrames")
    void clientReassemblesTheDataWithLf(
            final EventType type, final long ms, final long seq, final String data, final String expected) {
        // What an EventSource parser does: collect "data: " fields, join with LF.
        final List<String> lines = new ArrayList<>();
        for (final String line : expected.split("\n", -1)) {
            if (line.startsWith("data: ")) {
                lines.add(line.substring("data: ".length()));
            }
        }
        assertEquals(data.replace("\r\n", "\n").replace('\r', '\n'), String.join("\n", lines));
    }

    @Test
    void eventFrameAppendsAfterExistingBytes() {
        final byte[] data = "{}".getBytes(StandardCharsets.US_ASCII);
        final int length = SseEncoding.eventFrameLength(EventType.READY, 1, 0, data);
        assertEquals(
                ": ping\n\nevent: ready\nid: 1\ndata: {}\n\n", writeExactly(SseEncoding.PING_LENGTH + length, out -> {
                    SseEncoding.writePing(out);
                    SseEncoding.writeEventFrame(out, EventType.READY, 1, 0, data);
                }));
    }

    @Test
    void eventFrameLengthMatchesForEveryTypeAndIdWidth() {
        final byte[] data = "{\"k\":\"v\"}\r\nx\ry\n".getBytes(StandardCharsets.US_ASCII);
        for (final EventType type : EventType.values()) {
            long ms = 1;
            for (int digits = 1; digits <= 19; digits++) {
                final long m = ms;
                final String frame = eventFrame(type, m, digits % 3 == 0 ? 0 : m - 1, "{\"k\":\"v\"}\r\nx\ry\n");
                assertTrue(frame.startsWith("event: " + type.wireName() + "\nid: " + m), frame);
                assertTrue(frame.endsWith("\ndata: {\"k\":\"v\"}\ndata: x\ndata: y\ndata: \n\n"), frame);
                assertEquals(data.length, "{\"k\":\"v\"}\r\nx\ry\n".length());
                if (digits < 19) {
                    ms *= 10;
                }
            }
        }
    }

    @Test
    void eventFrameRejectsNegativeIdPartsWithoutWriting() {
        final byte[] data = {'x'};
        assertThrows(IllegalArgumentException.class, () -> SseEncoding.eventFrameLength(EventType.READY, -1, 0, data));
        assertThrows(IllegalArgumentException.class, () -> SseEncoding.eventFrameLength(EventType.READY, 0, -1, data));
        final ByteBuf out = Unpooled.buffer(64, 64);
        try {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> SseEncoding.writeEventFrame(out, EventType.READY, -1, 0, data));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> SseEncoding.writeEventFrame(out, EventType.READY, 1, -1, data));
            assertEquals(0, out.writerIndex());
        } finally {
            out.release();
        }
    }

    @Test
    void tooSmallBufferFailsInsteadOfGrowing() {
        final byte[] data = {'x'};
        final int length = SseEncoding.eventFrameLength(EventType.READY, 1, 0, data);
        final ByteBuf out = Unpooled.buffer(length - 1, length - 1);
        try {
            assertThrows(
                    IndexOutOfBoundsException.class,
                    () -> SseEncoding.writeEventFrame(out, EventType.READY, 1, 0, data));
        } finally {
            out.release();
        }
    }

    @Test
    void comment() {
        assertEquals(
                ": hello world\n\n",
                writeExactly(
                        SseEncoding.commentLength("hello world"), out -> SseEncoding.writeComment(out, "hello world")));
        assertEquals(": \n\n", writeExactly(SseEncoding.commentLength(""), out -> SseEncoding.writeComment(out, "")));
        assertEquals(
                ": a:b\t~\n\n",
                writeExactly(
                        SseEncoding.commentLength(new StringBuilder("a:b\t~")),
                        out -> SseEncoding.writeComment(out, new StringBuilder("a:b\t~"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "\r\n", "a\u0000", "\n"})
    void commentRejectsLineBreaksAndNul(final String text) {
        final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SseEncoding.commentLength(text));
        assertTrue(e.getMessage().startsWith("comment must not contain CR, LF or NUL"), e.getMessage());
        assertNothingWritten(out -> SseEncoding.writeComment(out, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"é", "ping ✓", "\u0080"})
    void commentRejectsNonAscii(final String text) {
        final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SseEncoding.commentLength(text));
        assertTrue(e.getMessage().startsWith("comment must be ASCII"), e.getMessage());
        assertNothingWritten(out -> SseEncoding.writeComment(out, text));
    }

    private static void assertNothingWritten(final Consumer<ByteBuf> write) {
        final ByteBuf out = Unpooled.buffer(64, 64);
        try {
            assertThrows(IllegalArgumentException.class, () -> write.accept(out));
            assertEquals(0, out.writerIndex());
        } finally {
            out.release();
        }
    }

    @Test
    void retry() {
        assertEquals(
                "retry: 3000\n\n",
                writeExactly(SseEncoding.retryLength(3000), out -> SseEncoding.writeRetry(out, 3000)));
        assertEquals("retry: 0\n\n", writeExactly(SseEncoding.retryLength(0), out -> SseEncoding.writeRetry(out, 0)));
        assertEquals(
                "retry: 9223372036854775807\n\n",
                writeExactly(
                        SseEncoding.retryLength(Long.MAX_VALUE), out -> SseEncoding.writeRetry(out, Long.MAX_VALUE)));
        assertThrows(IllegalArgumentException.class, () -> SseEncoding.retryLength(-1));
        assertNothingWritten(out -> SseEncoding.writeRetry(out, -1));
    }

    @Test
    void cursorOnly() {
        assertEquals(
                "id: 1764300000123\n\n",
                writeExactly(
                        SseEncoding.cursorLength(1764300000123L, 0),
                        out -> SseEncoding.writeCursor(out, 1764300000123L, 0)));
        assertEquals(
                "id: 1764300000123-7\n\n",
                writeExactly(
                        SseEncoding.cursorLength(1764300000123L, 7),
                        out -> SseEncoding.writeCursor(out, 1764300000123L, 7)));
        assertEquals(
                "id: 0\n\n", writeExactly(SseEncoding.cursorLength(0, 0), out -> SseEncoding.writeCursor(out, 0, 0)));
    }

    @Test
    void ping() {
        assertEquals(8, SseEncoding.PING_LENGTH);
        assertEquals(": ping\n\n", writeExactly(SseEncoding.PING_LENGTH, SseEncoding::writePing));
        assertEquals(SseEncoding.commentLength("ping"), SseEncoding.PING_LENGTH);
    }
}
