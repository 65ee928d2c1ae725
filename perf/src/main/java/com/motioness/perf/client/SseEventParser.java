package com.motioness.perf.client;

import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * The event stream inside a response body, whatever framed it (HTTP/1.1 chunks, an unframed body,
 * HTTP/2 DATA frames): lines end with CR, LF or CRLF, an empty line dispatches. Hands each event
 * that carries a harness stamp, each comment and each id to its {@link SseStream}; allocates
 * nothing per event.
 */
final class SseEventParser implements ByteProcessor {
    private static final int MAX_LINE = 1024;
    /** The stamp the harness's publishers put in each event: {@code "perf.<asset>.<seq>.<micros>"}. */
    private static final byte[] MARKER = "\"perf.".getBytes(StandardCharsets.US_ASCII);

    private final SseStream stream;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private boolean lastWasCr;
    private int pendingAsset = -1;
    private long pendingSeq = -1;
    private long pendingStamp;
    /** The event's {@code id:}, the stream's cursor only once the event is dispatched. */
    private final byte[] pendingId = new byte[MAX_LINE];

    private int pendingIdLength = -1;

    SseEventParser(SseStream stream) {
        this.stream = stream;
    }

    @Override
    public boolean process(byte b) {
        accept(b);
        return true;
    }

    void accept(byte b) {
        if (b == '\n' && lastWasCr) {
            lastWasCr = false;
            return;
        }
        lastWasCr = b == '\r';
        if (b == '\n' || b == '\r') {
            endLine();
            length = 0;
            return;
        }
        if (length < MAX_LINE) {
            line[length++] = b;
        }
    }

    private void endLine() {
        if (length == 0) {
            // As EventSource: a connection lost before the blank line loses the event's id too, so
            // the reconnect asks for that event again (over HTTP/2 an event can span DATA frames).
            if (pendingIdLength >= 0) {
                stream.setLastId(pendingId, 0, pendingIdLength);
                pendingIdLength = -1;
            }
            if (pendingSeq >= 0) {
                stream.onEvent(pendingAsset, pendingSeq, pendingStamp);
                pendingSeq = -1;
            }
            return;
        }
        byte first = line[0];
        if (first == ':') {
            stream.onComment();
        } else if (first == 'i' && length >= 3 && line[1] == 'd' && line[2] == ':') {
            int from = length > 3 && line[3] == ' ' ? 4 : 3;
            pendingIdLength = length - from;
            System.arraycopy(line, from, pendingId, 0, pendingIdLength);
        } else if (first == 'd' && length >= 5 && line[1] == 'a' && line[4] == ':') {
            parseStamp();
        }
    }

    /** Finds {@code "perf.<asset>.<seq>.<micros>"} in a data line. */
    private void parseStamp() {
        int at = indexOf(MARKER);
        if (at < 0) {
            return;
        }
        int i = at + MARKER.length;
        long asset = 0;
        while (i < length && line[i] != '.') {
            asset = asset * 10 + (line[i++] - '0');
        }
        i++;
        long seq = 0;
        while (i < length && line[i] != '.') {
            seq = seq * 10 + (line[i++] - '0');
        }
        i++;
        long micros = 0;
        while (i < length && line[i] != '"') {
            micros = micros * 10 + (line[i++] - '0');
        }
        pendingAsset = (int) asset;
        pendingSeq = seq;
        pendingStamp = micros;
    }

    private int indexOf(byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
