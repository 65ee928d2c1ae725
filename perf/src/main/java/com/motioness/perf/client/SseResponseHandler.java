package com.motioness.perf.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;

/**
 * Reads one HTTP/1.1 SSE response byte by byte: status line, headers, chunked or unframed body,
 * whose bytes go to an {@link SseEventParser}.
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

    private final SseStream stream;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private int state = STATUS;
    private int status;
    private boolean chunked;
    private long chunkRemaining;
    private boolean sawChunkSizeDigit;
    private boolean inChunkExtension;
    private final SseEventParser events;

    SseResponseHandler(SseStream stream) {
        this.stream = stream;
        this.events = new SseEventParser(stream);
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
                events.accept(b);
                if (--chunkRemaining == 0) {
                    state = CHUNK_END;
                }
            }
            case CHUNK_END -> {
                if (b == '\n') {
                    state = CHUNK_SIZE;
                }
            }
            case BODY -> events.accept(b);
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
}
