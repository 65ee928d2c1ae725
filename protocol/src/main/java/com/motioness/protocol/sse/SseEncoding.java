package com.motioness.protocol.sse;

import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@code text/event-stream} frames (WHATWG HTML, "Server-sent events") into {@link ByteBuf}s.
 *
 * <p>Every frame is sized first, then written: a caller allocates exactly
 * {@code xxxLength(...)} bytes and calls the matching {@code writeXxx}, so a frame is encoded
 * once, into a buffer of the right size, and then shared by every subscriber. Neither step
 * allocates beyond what the buffer itself does.
 *
 * <p>Frames use LF line endings only. The {@code event:} and {@code id:} values are an
 * {@link EventType} wire name and an {@link EventId} in digits, so they can never hold the CR,
 * LF or NUL the spec forbids there. All methods are stateless and safe to call from any thread.
 */
public final class SseEncoding {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private static final byte[] EVENT = ascii("event: ");
    private static final byte[] ID = ascii("\nid: ");
    private static final byte[] DATA = ascii("\ndata: ");
    private static final byte[] ID_ONLY = ascii("id: ");
    private static final byte[] RETRY = ascii("retry: ");
    private static final byte[] COMMENT = ascii(": ");
    /** Ends a frame: the line break after its last field plus the blank line that dispatches it. */
    private static final byte[] END = ascii("\n\n");

    private static final byte[] PING = ascii(": ping\n\n");

    /** The length of {@link #writePing(ByteBuf)}'s frame, {@code ": ping\n\n"}. */
    public static final int PING_LENGTH = PING.length;

    private SseEncoding() {}

    /**
     * Returns the exact length of the frame {@link #writeEventFrame} writes for these arguments.
     *
     * @param type the event type
     * @param ms the id's milliseconds part, {@code >= 0}
     * @param seq the id's sequence part, {@code >= 0}
     * @param data the event data, usually one line of JSON
     * @return the frame length in bytes
     * @throws IllegalArgumentException if {@code ms} or {@code seq} is negative
     */
    public static int eventFrameLength(final EventType type, final long ms, final long seq, final byte[] data) {
        int lineBreaks = 0;
        int lineBreakBytes = 0;
        for (int i = 0, n = data.length; i < n; i++) {
            final byte b = data[i];
            if (b == LF) {
                lineBreaks++;
                lineBreakBytes++;
            } else if (b == CR) {
                lineBreaks++;
                lineBreakBytes++;
                if (i + 1 < n && data[i + 1] == LF) {
                    lineBreakBytes++;
                    i++;
                }
            }
        }
        // Each line break in data is replaced by a "\ndata: " prefix of the next line.
        final int lines = lineBreaks + 1;
        return EVENT.length
                + type.wireNameLength()
                + ID.length
                + EventId.asciiLength(ms, seq)
                + lines * DATA.length
                + data.length
                - lineBreakBytes
                + END.length;
    }

    /**
     * Writes one event frame:
     *
     * <pre>
     * event: &lt;wire name&gt;
     * id: &lt;ms&gt;[-&lt;seq&gt;]
     * data: &lt;line 1&gt;
     * data: &lt;line 2&gt;
     * (blank line)
     * </pre>
     *
     * <p>{@code data} is split into lines at every CR, LF and CRLF (a CRLF is one break, as the
     * EventSource parser reads it), and every line becomes one {@code data:} field, including empty
     * lines and the empty line after a trailing break: {@code "a\nb"} gives {@code data: a} and
     * {@code data: b}, {@code "a\r\n"} gives {@code data: a} and {@code data: }, and empty data
     * gives one {@code data: }. The EventSource parser joins the lines back with {@code "\n"}, so
     * JSON that contains line breaks between tokens still arrives as the same JSON value. Splitting
     * on LF alone would not do: a client treats a lone CR as a line end too, and would read the text
     * after it as a separate, unknown field.
     *
     * @param out the buffer to write to; at least {@link #eventFrameLength} bytes should be writable
     * @param type the event type
     * @param ms the id's milliseconds part, {@code >= 0}
     * @param seq the id's sequence part, {@code >= 0}
     * @param data the event data, usually one line of JSON in UTF-8
     * @throws IllegalArgumentException if {@code ms} or {@code seq} is negative; nothing is
     *     written then
     */
    public static void writeEventFrame(
            final ByteBuf out, final EventType type, final long ms, final long seq, final byte[] data) {
        // Checked up front so that a bad id never leaves half a frame in the buffer.
        if ((ms | seq) < 0) {
            throw new IllegalArgumentException("id parts must be >= 0, got ms=" + ms + ", seq=" + seq);
        }
        out.writeBytes(EVENT);
        type.writeWireName(out);
        out.writeBytes(ID);
        EventId.writeAscii(out, ms, seq);
        int lineStart = 0;
        for (int i = 0, n = data.length; i < n; i++) {
            final byte b = data[i];
            if (b == LF || b == CR) {
                out.writeBytes(DATA);
                out.writeBytes(data, lineStart, i - lineStart);
                if (b == CR && i + 1 < n && data[i + 1] == LF) {
                    i++;
                }
                lineStart = i + 1;
            }
        }
        out.writeBytes(DATA);
        out.writeBytes(data, lineStart, data.length - lineStart);
        out.writeBytes(END);
    }

    /**
     * Returns the exact length of the frame {@link #writeComment} writes.
     *
     * @param text the comment text: ASCII without CR, LF or NUL
     * @return the frame length in bytes
     * @throws IllegalArgumentException if {@code text} holds a non-ASCII character, CR, LF or NUL
     */
    public static int commentLength(final CharSequence text) {
        checkComment(text);
        return COMMENT.length + text.length() + END.length;
    }

    /**
     * Writes a comment frame, {@code ": <text>\n\n"}. EventSource clients ignore comments; they
     * keep idle connections alive through proxies.
     *
     * @param out the buffer to write to
     * @param text the comment text: ASCII without CR, LF or NUL, so one char is one byte
     * @throws IllegalArgumentException if {@code text} holds a non-ASCII character, CR, LF or NUL;
     *     nothing is written then
     */
    public static void writeComment(final ByteBuf out, final CharSequence text) {
        checkComment(text);
        out.writeBytes(COMMENT);
        out.writeCharSequence(text, StandardCharsets.US_ASCII);
        out.writeBytes(END);
    }

    private static void checkComment(final CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            final char c = text.charAt(i);
            // A line break would end the comment early and let the rest be read as a field.
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("comment must not contain CR, LF or NUL (at index " + i + ")");
            }
            if (c > 0x7F) {
                throw new IllegalArgumentException("comment must be ASCII (at index " + i + ")");
            }
        }
    }

    /**
     * Returns the exact length of the frame {@link #writeRetry} writes.
     *
     * @param millis the reconnection delay, {@code >= 0}
     * @return the frame length in bytes
     * @throws IllegalArgumentException if {@code millis} is negative
     */
    public static int retryLength(final long millis) {
        checkRetry(millis);
        // A retry value is written exactly like an id without a sequence part: plain digits.
        return RETRY.length + EventId.asciiLength(millis, 0) + END.length;
    }

    /**
     * Writes a retry frame, {@code "retry: <millis>\n\n"}, which sets the client's reconnection
     * delay. Clients ignore the field unless its value is all ASCII digits, which this guarantees.
     *
     * @param out the buffer to write to
     * @param millis the reconnection delay, {@code >= 0}
     * @throws IllegalArgumentException if {@code millis} is negative
     */
    public static void writeRetry(final ByteBuf out, final long millis) {
        checkRetry(millis);
        out.writeBytes(RETRY);
        EventId.writeAscii(out, millis, 0);
        out.writeBytes(END);
    }

    /**
     * Returns the exact length of the frame {@link #writeCursor} writes.
     *
     * @param ms the id's milliseconds part, {@code >= 0}
     * @param seq the id's sequence part, {@code >= 0}
     * @return the frame length in bytes
     */
    public static int cursorLength(final long ms, final long seq) {
        return ID_ONLY.length + EventId.asciiLength(ms, seq) + END.length;
    }

    /**
     * Writes a frame with an id and no data, {@code "id: <id>\n\n"}. The spec's dispatch step sets
     * the client's last event ID from every block before it drops one without data, so this moves
     * the cursor an {@code EventSource} sends on reconnect without dispatching an event.
     *
     * @param out the buffer to write to
     * @param ms the id's milliseconds part, {@code >= 0}
     * @param seq the id's sequence part, {@code >= 0}
     */
    public static void writeCursor(final ByteBuf out, final long ms, final long seq) {
        out.writeBytes(ID_ONLY);
        EventId.writeAscii(out, ms, seq);
        out.writeBytes(END);
    }

    private static void checkRetry(final long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("retry must be >= 0, got " + millis);
        }
    }

    /**
     * Writes the heartbeat comment {@code ": ping\n\n"}, {@link #PING_LENGTH} bytes.
     *
     * @param out the buffer to write to
     */
    public static void writePing(final ByteBuf out) {
        out.writeBytes(PING);
    }

    private static byte[] ascii(final String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
