package com.motioness.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of an event, on jackson-core's streaming API (no data binding): one object in
 * snake_case, fields in a fixed order, absent optional fields omitted, on one line. Decoding
 * validates everything {@link AssetEvent.Builder#build()} does, plus JSON types, unknown and
 * duplicate fields, and sizes.
 */
public final class EventJson {
    /** A single event's JSON may not be larger than this. */
    public static final int MAX_EVENT_BYTES = 16 * 1024;
    /** An ingest batch may not hold more events than this. */
    public static final int MAX_BATCH = 1000;

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
            .build();

    private static final String[] FIELDS = {
        "type", "asset_id", "project_id", "ts", "attempt", "stage", "latency_ms", "error_code", "error_msg", "request_id"
    };

    private EventJson() {
    }

    /** Decodes exactly one event object. */
    public static AssetEvent decode(byte[] json) throws EventValidationException {
        if (json.length > MAX_EVENT_BYTES) {
            throw tooLarge();
        }
        try (JsonParser parser = JSON.createParser(json)) {
            return decodeDocument(parser);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** Decodes exactly one event object; leaves the buffer's indexes and reference count alone. */
    public static AssetEvent decode(ByteBuf json) throws EventValidationException {
        if (json.readableBytes() > MAX_EVENT_BYTES) {
            throw tooLarge();
        }
        try (JsonParser parser = JSON.createParser((InputStream) new ByteBufInputStream(json.duplicate()))) {
            return decodeDocument(parser);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /**
     * Decodes an ingest body: one event object, or an array of 1 to {@link #MAX_BATCH} of them.
     * An error inside an array carries the element's index.
     */
    public static List<AssetEvent> decodeBatch(ByteBuf body) throws EventValidationException {
        try (JsonParser parser = JSON.createParser((InputStream) new ByteBufInputStream(body.duplicate()))) {
            JsonToken first = parser.nextToken();
            List<AssetEvent> events = new ArrayList<>();
            if (first == JsonToken.START_OBJECT) {
                events.add(decodeObject(parser));
            } else if (first == JsonToken.START_ARRAY) {
                int index = 0;
                for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                    if (index == MAX_BATCH) {
                        throw new EventValidationException("body", "body: more than " + MAX_BATCH + " events");
                    }
                    if (token != JsonToken.START_OBJECT) {
                        throw new EventValidationException("body", "body: array elements must be event objects")
                                .atIndex(index);
                    }
                    long start = parser.currentTokenLocation().getByteOffset();
                    try {
                        events.add(decodeObject(parser));
                    } catch (EventValidationException e) {
                        throw e.atIndex(index);
                    }
                    if (parser.currentLocation().getByteOffset() - start > MAX_EVENT_BYTES) {
                        throw tooLarge().atIndex(index);
                    }
                    index++;
                }
                if (events.isEmpty()) {
                    throw new EventValidationException("body", "body: empty array");
                }
            } else {
                throw new EventValidationException("body", "body: expected an event object or an array of them");
            }
            expectEnd(parser);
            return events;
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    private static AssetEvent decodeDocument(JsonParser parser) throws IOException, EventValidationException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new EventValidationException("body", "body: expected an event object");
        }
        AssetEvent event = decodeObject(parser);
        expectEnd(parser);
        return event;
    }

    private static void expectEnd(JsonParser parser) throws IOException, EventValidationException {
        if (parser.nextToken() != null) {
            throw new EventValidationException("body", "body: unexpected content after the JSON value");
        }
    }

    /** Reads the fields of an object whose START_OBJECT was just read, then validates them. */
    private static AssetEvent decodeObject(JsonParser parser) throws IOException, EventValidationException {
        String type = null;
        String assetId = null;
        String projectId = null;
        long ts = -1;
        long attempt = -1;
        String stage = null;
        long latencyMs = -1;
        String errorCode = null;
        String errorMsg = null;
        String requestId = null;
        int seen = 0;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            String name = parser.currentName();
            int field = fieldIndex(name);
            if (field < 0) {
                throw new EventValidationException(name, name + ": unknown field");
            }
            if ((seen & (1 << field)) != 0) {
                throw new EventValidationException(name, name + ": duplicate field");
            }
            seen |= 1 << field;
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case 0 -> type = text(parser, value, name);
                case 1 -> assetId = text(parser, value, name);
                case 2 -> projectId = text(parser, value, name);
                case 3 -> ts = integer(parser, value, name);
                case 4 -> attempt = integer(parser, value, name);
                case 5 -> stage = text(parser, value, name);
                case 6 -> latencyMs = integer(parser, value, name);
                case 7 -> errorCode = text(parser, value, name);
                case 8 -> errorMsg = text(parser, value, name);
                default -> requestId = text(parser, value, name);
            }
        }
        if (type == null) {
            throw new EventValidationException("type", "type: required");
        }
        EventType eventType = EventType.ofWireName(type);
        if (eventType == null) {
            throw new EventValidationException("type", "type: unknown event type \"" + abbreviate(type) + "\"");
        }
        if (attempt > Integer.MAX_VALUE) {
            throw new EventValidationException("attempt", "attempt: must be between 1 and " + FieldChecks.MAX_ATTEMPT);
        }
        AssetEvent.Builder builder = AssetEvent.builder(eventType)
                .assetId(assetId)
                .projectId(projectId)
                .ts(ts)
                .attempt((int) attempt)
                .stage(stage)
                .requestId(requestId);
        if (latencyMs >= 0) {
            builder.latencyMs(latencyMs);
        }
        if (errorCode != null || errorMsg != null) {
            builder.error(errorCode, errorMsg);
        }
        return builder.build();
    }

    private static int fieldIndex(String name) {
        for (int i = 0; i < FIELDS.length; i++) {
            if (FIELDS[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String text(JsonParser parser, JsonToken value, String name) throws IOException,
            EventValidationException {
        if (value != JsonToken.VALUE_STRING) {
            throw new EventValidationException(name, name + ": must be a string");
        }
        return parser.getText();
    }

    private static long integer(JsonParser parser, JsonToken value, String name) throws IOException,
            EventValidationException {
        if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new EventValidationException(name, name + ": must be an integer");
        }
        long number = parser.getLongValue();
        if (number < 0) {
            throw new EventValidationException(name, name + ": must not be negative");
        }
        return number;
    }

    /** The event as one compact JSON line, UTF-8. */
    public static byte[] encode(AssetEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(192);
        write(event, out);
        return out.toByteArray();
    }

    /** Writes the event's JSON at the buffer's writer index. */
    public static void encode(AssetEvent event, ByteBuf out) {
        write(event, new ByteBufOutputStream(out));
    }

    private static void write(AssetEvent event, OutputStream out) {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", event.type().wireName());
            json.writeStringField("asset_id", event.assetId());
            json.writeStringField("project_id", event.projectId());
            json.writeNumberField("ts", event.ts());
            json.writeNumberField("attempt", event.attempt());
            if (event.stage() != null) {
                json.writeStringField("stage", event.stage());
            }
            if (event.hasLatencyMs()) {
                json.writeNumberField("latency_ms", event.latencyMs());
            }
            if (event.errorCode() != null) {
                json.writeStringField("error_code", event.errorCode());
                json.writeStringField("error_msg", event.errorMsg());
            }
            json.writeStringField("request_id", event.requestId());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EventValidationException tooLarge() {
        return new EventValidationException("body", "body: event larger than " + MAX_EVENT_BYTES + " bytes");
    }

    private static EventValidationException malformed(IOException e) {
        if (e instanceof JsonParseException parse) {
            return new EventValidationException("body", "body: malformed JSON at offset "
                    + parse.getLocation().getByteOffset());
        }
        return new EventValidationException("body", "body: malformed JSON");
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
