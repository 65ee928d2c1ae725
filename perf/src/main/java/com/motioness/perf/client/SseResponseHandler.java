package com.motioness.perf.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;

/**
 * Reads one SSE response byte by byte: status line, headers, chunked or unframed body, SSE lines.
 * Hands each dispatched event that carries a harness stamp to its {@link SseStream}.
 *
 * <p>One state machine instead of Netty's HTTP codec plus a line decoder: the load generator must
 * read faster than the servers it measures write, so it allocates nothing per event and touches
 * each byte once, in {@link ByteBuf#forEachByte}.
 */
final class SseResponseHandler extends ChannelInboundHandlerAdapter implements ByteProcessor {
    private static final int STATUS = 0;
    private static final int HEADER = 1;
    private static final int CHUNK_SIZE = 2;
    private static final int CHUNK_DATA = 3;
    private static final int CHUNK_END = 4;
    private static final int BODY = 5;
    private static final int DONE = 6;

    private static final int MAX_LINE = 1024;
    private static final byte[] TRANSFER_ENCODING =
            "transfer-encoding:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "chunked".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** The stamp the harness's publishers put in each event: {@code "perf.<asset>.<seq>.<micros>"}. */
    private static final byte[] MARKER = "\"perf.".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SseStream stream;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private int state = STATUS;
    private int status;
    private boolean chunked;
    private long chunkRemaining;
    private boolean sawChunkSizeDigit;
    private boolean inChunkExtension;

    private final byte[] sseLine = new byte[MAX_LINE];
    private int sseLength;
    private boolean sseLastWasCr;
    private int pendingAsset = -1;
    private long pendingSeq = -1;
    private long pendingStamp;

    SseResponseHandler(SseStream stream) {
        this.stream = stream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            buf.forEachByte(this);
        } finally {
            buf.release();
        }
        if (state == DONE) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stream.onClosed(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stream.onError();
        ctx.close();
    }

    @Override
    public boolean process(byte b) {
        switch (state) {
            case STATUS, HEADER -> headerByte(b);
            case CHUNK_SIZE -> chunkSizeByte(b);
            case CHUNK_DATA -> {
                sseByte(b);
                if (--chunkRemaining == 0) {
                    state = CHUNK_END;
                }
            }
            case CHUNK_END -> {
                if (b == '\n') {
                    state = CHUNK_SIZE;
                }
            }
            case BODY -> sseByte(b);
            default -> {
                return false;
            }
        }
        return state != DONE;
    }

    private void headerByte(byte b) {
        if (b != '\n') {
            if (b != '\r' && lineLength < MAX_LINE) {
                line[lineLength++] = b;
            }
            return;
        }
        if (state == STATUS) {
            status = parseStatus();
            state = HEADER;
        } else if (lineLength == 0) {
            endOfHeaders();
        } else if (startsWithIgnoreCase(line, lineLength, TRANSFER_ENCODING) && contains(line, lineLength, CHUNKED)) {
            chunked = true;
        }
        lineLength = 0;
    }

    private int parseStatus() {
        // "HTTP/1.1 200 OK": the code is bytes 9 to 11.
        if (lineLength < 12) {
            return 0;
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            code = code * 10 + (line[i] - '0');
        }
        return code;
    }

    private void endOfHeaders() {
        if (status == 200) {
            state = chunked ? CHUNK_SIZE : BODY;
            stream.onOpen();
        } else {
            state = DONE;
            stream.onStatus(status);
        }
    }

    private void chunkSizeByte(byte b) {
        if (b == '\n') {
            if (!sawChunkSizeDigit) {
                return;
            }
            sawChunkSizeDigit = false;
            inChunkExtension = false;
            if (chunkRemaining == 0) {
                // The last chunk: the server ended the stream (terminal event or cap).
                state = DONE;
                stream.onEndOfBody();
            } else {
                state = CHUNK_DATA;
            }
            return;
        }
        if (inChunkExtension || b == '\r') {
            return;
        }
        if (b == ';') {
            inChunkExtension = true;
            return;
        }
        int digit = Character.digit(b, 16);
        if (digit < 0) {
            state = DONE;
            stream.onError();
            return;
        }
        if (!sawChunkSizeDigit) {
            chunkRemaining = 0;
            sawChunkSizeDigit = true;
        }
        chunkRemaining = chunkRemaining * 16 + digit;
    }

    /** One byte of the event stream: lines end with CR, LF or CRLF; an empty line dispatches. */
    private void sseByte(byte b) {
        if (b == '\n' && sseLastWasCr) {
            sseLastWasCr = false;
            return;
        }
        sseLastWasCr = b == '\r';
        if (b == '\n' || b == '\r') {
            endSseLine();
            sseLength = 0;
            return;
        }
        if (sseLength < MAX_LINE) {
            sseLine[sseLength++] = b;
        }
    }

    private void endSseLine() {
        if (sseLength == 0) {
            if (pendingSeq >= 0) {
                stream.onEvent(pendingAsset, pendingSeq, pendingStamp);
                pendingSeq = -1;
            }
            return;
        }
        byte first = sseLine[0];
        if (first == ':') {
            stream.onComment();
        } else if (first == 'i' && sseLength >= 3 && sseLine[1] == 'd' && sseLine[2] == ':') {
            int from = sseLength > 3 && sseLine[3] == ' ' ? 4 : 3;
            stream.setLastId(sseLine, from, sseLength - from);
        } else if (first == 'd' && sseLength >= 5 && sseLine[1] == 'a' && sseLine[4] == ':') {
            parseStamp();
        }
    }

    /** Finds {@code "perf.<asset>.<seq>.<micros>"} in a data line. */
    private void parseStamp() {
        int at = indexOf(sseLine, sseLength, MARKER);
        if (at < 0) {
            return;
        }
        int i = at + MARKER.length;
        long asset = 0;
        while (i < sseLength && sseLine[i] != '.') {
            asset = asset * 10 + (sseLine[i++] - '0');
        }
        i++;
        long seq = 0;
        while (i < sseLength && sseLine[i] != '.') {
            seq = seq * 10 + (sseLine[i++] - '0');
        }
        i++;
        long micros = 0;
        while (i < sseLength && sseLine[i] != '"') {
            micros = micros * 10 + (sseLine[i++] - '0');
        }
        pendingAsset = (int) asset;
        pendingSeq = seq;
        pendingStamp = micros;
    }

    private static boolean startsWithIgnoreCase(byte[] bytes, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (Character.toLowerCase(bytes[i]) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(byte[] bytes, int length, byte[] needle) {
        for (int i = 0; i + needle.length <= length; i++) {
            boolean match = true;
            for (int j = 0; j < needle.length && match; j++) {
                match = Character.toLowerCase(bytes[i + j]) == needle[j];
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] bytes, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
