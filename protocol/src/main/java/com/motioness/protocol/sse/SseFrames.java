package com.motioness.protocol.sse;

import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The framing rules of the WHATWG event stream, written straight into a {@link ByteBuf}. Every
 * shape has a {@code ...Length} method and a {@code write...} method: size first, allocate once,
 * then write.
 *
 * <p>Rules kept here: {@code event} and {@code id} values never contain CR, LF or NUL (they come
 * from the enum and from digits); {@code data} is split into lines on CR, LF and CRLF alike, each
 * written as its own {@code data: } field, which the EventSource parser joins back with LF — so
 * JSON that contains line breaks still arrives as the same JSON.
 */
public final class SseFrames {
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "\nid: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RETRY = "retry: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMENT = ": ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    /** Bytes of {@code : ping\n\n}. */
    public static final int PING_LENGTH = PING.length;

    private SseFrames() {
    }

    /** Bytes of an event frame: {@code event:}, {@code id:}, one {@code data:} per line, blank line. */
    public static int eventFrameLength(EventType type, long ms, long seq, byte[] data) {
        int lines = 1;
        int breakBytes = 0;
        for (int i = 0; i < data.length; i++) {
            byte b = data[i];
            if (b == LF || b == CR) {
                lines++;
                breakBytes++;
                if (b == CR && i + 1 < data.length && data[i + 1] == LF) {
                    breakBytes++;
                    i++;
                }
            }
        }
        return EVENT.length + type.wireNameLength() + ID.length + EventId.asciiLength(ms, seq) + 1
                + lines * (DATA.length + 1) + data.length - breakBytes + 1;
    }

    /** Writes an event frame; see {@link #eventFrameLength}. */
    public static void writeEventFrame(ByteBuf out, EventType type, long ms, long seq, byte[] data) {
        out.writeBytes(EVENT);
        type.writeWireName(out);
        out.writeBytes(ID);
        EventId.writeAscii(out, ms, seq);
        out.writeByte(LF);
        int lineStart = 0;
        for (int i = 0; i < data.length; i++) {
            byte b = data[i];
            if (b == LF || b == CR) {
                writeDataLine(out, data, lineStart, i);
                if (b == CR && i + 1 < data.length && data[i + 1] == LF) {
                    i++;
                }
                lineStart = i + 1;
            }
        }
        writeDataLine(out, data, lineStart, data.length);
        out.writeByte(LF);
    }

    private static void writeDataLine(ByteBuf out, byte[] data, int from, int to) {
        out.writeBytes(DATA);
        out.writeBytes(data, from, to - from);
        out.writeByte(LF);
    }

    /** Bytes of a comment block {@code : text\n\n}. */
    public static int commentLength(CharSequence text) {
        checkCommentText(text);
        return COMMENT.length + text.length() + 2;
    }

    /** Writes a comment block; the text is ASCII without CR, LF or NUL. */
    public static void writeComment(ByteBuf out, CharSequence text) {
        checkCommentText(text);
        out.writeBytes(COMMENT);
        out.writeCharSequence(text, StandardCharsets.US_ASCII);
        out.writeByte(LF).writeByte(LF);
    }

    private static void checkCommentText(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0x7f) {
                throw new IllegalArgumentException("a comment is ASCII without CR, LF or NUL");
            }
        }
    }

    /** Bytes of {@code retry: <millis>\n\n}. */
    public static int retryLength(long millis) {
        return RETRY.length + EventId.asciiLength(checkRetry(millis), 0) + 2;
    }

    /** Writes the reconnection-time advice; a block without data dispatches no event. */
    public static void writeRetry(ByteBuf out, long millis) {
        out.writeBytes(RETRY);
        EventId.writeAscii(out, checkRetry(millis), 0);
        out.writeByte(LF).writeByte(LF);
    }

    private static long checkRetry(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("retry must not be negative");
        }
        return millis;
    }

    /** Writes the heartbeat {@code : ping\n\n}. */
    public static void writePing(ByteBuf out) {
        out.writeBytes(PING);
    }
}
