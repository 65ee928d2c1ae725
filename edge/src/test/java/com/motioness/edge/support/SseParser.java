package com.motioness.edge.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** The WHATWG event-stream interpretation, fed bytes as they arrive. */
final class SseParser {
    private final Consumer<SseBlock> sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean lastWasCr;
    private String event;
    private String id;
    private StringBuilder data;
    private String comment;
    private String retry;

    SseParser(Consumer<SseBlock> sink) {
        this.sink = sink;
    }

    void feed(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\r' || b == '\n') {
                onLine(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    private void onLine(String text) {
        if (text.isEmpty()) {
            if (event != null || id != null || data != null || comment != null || retry != null) {
                sink.accept(new SseBlock(event, id, data == null ? null : data.toString(), comment, retry));
            }
            event = null;
            id = null;
            data = null;
            comment = null;
            retry = null;
            return;
        }
        if (text.startsWith(":")) {
            String value = text.substring(1);
            comment = value.startsWith(" ") ? value.substring(1) : value;
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "id" -> id = value;
            case "retry" -> retry = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            default -> {}
        }
    }
}
