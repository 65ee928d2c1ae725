package com.motioness.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The JSON form of {@link AssetEvent}, on Jackson's streaming API.
 *
 * <p>Encoding writes one compact line with the fields in wire order, leaving absent optional
 * fields out:
 *
 * <pre>{@code
 * {"type":"stage_completed","asset_id":"a1","project_id":"p1","ts":1764300000000,"attempt":1,"stage":"upscale","latency_ms":812,"request_id":"req-1"}
 * }</pre>
 *
 * <p>Text is UTF-8; control characters inside strings are escaped, so the output never holds a
 * raw CR or LF. Decoding accepts exactly the documents {@link AssetEvent.Builder#build()} accepts
 * and reports problems as {@link EventValidationException}s naming the field; fields may come in
 * any order, JSON {@code null} means absent, and unknown or duplicate fields are errors, so a
 * producer's typo never passes silently. For every valid event {@code e},
 * {@code decode(encode(e)).equals(e)}.
 *
 * <p>Malformed JSON is reported as {@code body: malformed JSON at offset N}, where N is the byte
 * offset (from the reader index) at which the parser noticed the problem; the input itself is never
 * echoed. All methods are stateless and safe to call from any thread.
 */
public final class EventJson {
    /** The largest JSON text of a single event, in bytes; larger events are rejected. */
    public static final int MAX_EVENT_BYTES = 16 * 1024;

    /** The most events one ingest array may hold. */
    public static final int MAX_BATCH_EVENTS = 1000;

    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            // The codec never owns the buffers and streams it reads or writes: closing or flushing
            // them is the caller's decision.
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            // Characters outside the BMP go out as their four UTF-8 bytes; by default Jackson writes
            // them as a pair of \\u escapes, which is valid JSON but not the UTF-8 the contract promises.
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            // Keeps input out of exception messages; we build our own short ones anyway.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // Duplicates are reported by name as a validation error rather than a parse error.
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // No single token of a valid event can be longer than a whole event, so Jackson may stop
            // buffering a huge string or number as soon as it passes that size.
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(MAX_EVENT_BYTES)
                    .maxNameLength(MAX_EVENT_BYTES)
                    .maxNumberLength(MAX_EVENT_BYTES)
                    .build())
            .build();

    /** The longest piece of input (an unknown name) echoed back in an error. */
    private static final int MAX_ECHO = 64;

    private static final SerializedString[] TYPE_VALUES = typeValues();

    private EventJson() {}

    /**
     * Decodes a single event.
     *
     * @param json exactly one JSON object in UTF-8, optionally surrounded by whitespace
     * @return the event
     * @throws EventValidationException for malformed JSON, content after the object, a document
     *     larger than {@link #MAX_EVENT_BYTES}, or an event that breaks the contract
     */
    public static AssetEvent decode(final byte[] json) throws EventValidationException {
        return decode(Unpooled.wrappedBuffer(Objects.requireNonNull(json, "json")));
    }

    /**
     * Decodes a single event from the readable bytes of {@code json}, leaving its reader index
     * and reference count as they were.
     *
     * @param json exactly one JSON object in UTF-8, optionally surrounded by whitespace
     * @return the event
     * @throws EventValidationException for malformed JSON, content after the object, a document
     *     larger than {@link #MAX_EVENT_BYTES}, or an event that breaks the contract
     */
    public static AssetEvent decode(final ByteBuf json) throws EventValidationException {
        if (json.readableBytes() > MAX_EVENT_BYTES) {
            throw tooLarge();
        }
        try (JsonParser p = parser(json)) {
            final JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw body(first == null ? "no JSON value" : "expected a JSON object");
            }
            final AssetEvent event = readObject(p);
            expectEnd(p);
            return event;
        } catch (final IOException e) {
            throw fromJackson(e);
        }
    }

    /**
     * Decodes an ingest body: one JSON object, or an array of 1 to {@value #MAX_BATCH_EVENTS}
     * objects. Leaves the reader index and reference count of {@code body} as they were.
     *
     * <p>An error inside element {@code i} of an array carries {@link
     * EventValidationException#index() index} {@code i}; errors about the body as a whole carry -1.
     * Decoding stops at the first error: a batch is accepted whole or not at all.
     *
     * @param body the request body in UTF-8
     * @return the events in body order, unmodifiable
     * @throws EventValidationException for malformed JSON, an empty or oversized array, an event
     *     larger than {@link #MAX_EVENT_BYTES}, or an event that breaks the contract
     */
    public static List<AssetEvent> decodeBatch(final ByteBuf body) throws EventValidationException {
        int index = -1;
        try (JsonParser p = parser(body)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                final AssetEvent event = readObject(p);
                expectEnd(p);
                return List.of(event);
            }
            if (t != JsonToken.START_ARRAY) {
                throw body(t == null ? "no JSON value" : "expected a JSON object or array");
            }
            final List<AssetEvent> events = new ArrayList<>();
            while (true) {
                // Set before reading, so that malformed JSON where element i should start is
                // reported at index i.
                index = events.size();
                t = p.nextToken();
                if (t == JsonToken.END_ARRAY) {
                    break;
                }
                if (index == MAX_BATCH_EVENTS) {
                    index = -1;
                    throw body("more than " + MAX_BATCH_EVENTS + " events");
                }
                if (t != JsonToken.START_OBJECT) {
                    throw body("expected a JSON object");
                }
                events.add(readObject(p));
            }
            index = -1;
            if (events.isEmpty()) {
                throw body("empty array");
            }
            expectEnd(p);
            return Collections.unmodifiableList(events);
        } catch (final EventValidationException e) {
            throw index < 0 ? e : e.atIndex(index);
        } catch (final IOException e) {
            final EventValidationException error = fromJackson(e);
            throw index < 0 ? error : error.atIndex(index);
        }
    }

    /**
     * Encodes an event as one compact line of UTF-8 JSON, without a line terminator.
     *
     * @param event the event
     * @return the JSON text
     */
    public static byte[] encode(final AssetEvent event) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        write(event, out);
        return out.toByteArray();
    }

    /**
     * Encodes an event as one compact line of UTF-8 JSON at the writer index of {@code out},
     * without a line terminator.
     *
     * @param event the event
     * @param out the buffer to append to; it grows as needed
     */
    public static void encode(final AssetEvent event, final ByteBuf out) {
        // Cast: ByteBufOutputStream is also a DataOutput, which Jackson has another overload for.
        write(event, (OutputStream) new ByteBufOutputStream(out));
    }

    private static void write(final AssetEvent e, final OutputStream out) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName(Field.TYPE.key);
            g.writeString(TYPE_VALUES[e.type().ordinal()]);
            g.writeFieldName(Field.ASSET_ID.key);
            g.writeString(e.assetId());
            g.writeFieldName(Field.PROJECT_ID.key);
            g.writeString(e.projectId());
            g.writeFieldName(Field.TS.key);
            g.writeNumber(e.ts());
            g.writeFieldName(Field.ATTEMPT.key);
            g.writeNumber(e.attempt());
            if (e.stage() != null) {
                g.writeFieldName(Field.STAGE.key);
                g.writeString(e.stage());
            }
            if (e.hasLatencyMs()) {
                g.writeFieldName(Field.LATENCY_MS.key);
                g.writeNumber(e.latencyMs());
            }
            if (e.errorCode() != null) {
                g.writeFieldName(Field.ERROR_CODE.key);
                g.writeString(e.errorCode());
                g.writeFieldName(Field.ERROR_MSG.key);
                g.writeString(e.errorMsg());
            }
            g.writeFieldName(Field.REQUEST_ID.key);
            g.writeString(e.requestId());
            g.writeEndObject();
        } catch (final IOException ex) {
            // Neither target stream throws, and a valid event always encodes.
            throw new UncheckedIOException(ex);
        }
    }

    private static JsonParser parser(final ByteBuf in) throws IOException, EventValidationException {
        checkUtf8(in);
        if (in.hasArray()) {
            return FACTORY.createParser(in.array(), in.arrayOffset() + in.readerIndex(), in.readableBytes());
        }
        // A duplicate has its own reader index, so the caller's buffer is left as it was.
        return FACTORY.createParser((InputStream) new ByteBufInputStream(in.duplicate()));
    }

    /**
     * Jackson would quietly decode UTF-16 and UTF-32 (which it detects by zero bytes or a byte order
     * mark at the start); RFC 8259 requires UTF-8 between systems, and sizes are counted in UTF-8
     * bytes, so those are refused up front.
     */
    private static void checkUtf8(final ByteBuf in) throws EventValidationException {
        final int start = in.readerIndex();
        final int end = start + Math.min(4, in.readableBytes());
        for (int i = start; i < end; i++) {
            final byte b = in.getByte(i);
            if (b == 0 || (i == start && (b == (byte) 0xFE || b == (byte) 0xFF))) {
                throw body("JSON must be UTF-8");
            }
        }
    }

    /** Reads the fields of an object whose START_OBJECT is the current token, then validates. */
    private static AssetEvent readObject(final JsonParser p) throws IOException, EventValidationException {
        final long start = p.currentTokenLocation().getByteOffset();
        final AssetEvent.Builder b = AssetEvent.builder(null);
        String typeName = null;
        String errorCode = null;
        String errorMsg = null;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String name = p.currentName();
            final Field field = Field.ofJsonName(name);
            if (field == null) {
                throw new EventValidationException(echo(name), "unknown field");
            }
            if ((seen & field.bit) != 0) {
                throw field.error("duplicate field");
            }
            seen |= field.bit;
            final JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case TYPE:
                    typeName = text(p, value, field);
                    break;
                case ASSET_ID:
                    b.assetId(text(p, value, field));
                    break;
                case PROJECT_ID:
                    b.projectId(text(p, value, field));
                    break;
                case TS:
                    b.ts(integer(p, value, field));
                    break;
                case ATTEMPT:
                    // Range-checked before narrowing, so 2^32 + 1 is out of range rather than 1.
                    b.attempt((int) field.checkRange(integer(p, value, field)));
                    break;
                case STAGE:
                    b.stage(text(p, value, field));
                    break;
                case LATENCY_MS:
                    b.latencyMs(integer(p, value, field));
                    break;
                case ERROR_CODE:
                    errorCode = text(p, value, field);
                    break;
                case ERROR_MSG:
                    errorMsg = text(p, value, field);
                    break;
                case REQUEST_ID:
                    b.requestId(text(p, value, field));
                    break;
                default:
                    throw new AssertionError(field);
            }
        }
        // Inside an object Jackson yields only FIELD_NAME or END_OBJECT, so the object is complete.
        final long end = p.currentTokenLocation().getByteOffset();
        if (end - start + 1 > MAX_EVENT_BYTES) {
            throw tooLarge();
        }
        // The type comes last: it may follow the fields whose presence it rules.
        EventType type = null;
        if (typeName != null) {
            type = EventType.ofWireName(typeName);
            if (type == null) {
                throw Field.TYPE.error("unknown event type \"" + echo(typeName) + "\"");
            }
        }
        return b.type(type).error(errorCode, errorMsg).build();
    }

    private static String text(final JsonParser p, final JsonToken value, final Field field)
            throws IOException, EventValidationException {
        if (value != JsonToken.VALUE_STRING) {
            throw field.error("must be a string");
        }
        return p.getText();
    }

    private static long integer(final JsonParser p, final JsonToken value, final Field field)
            throws IOException, EventValidationException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw field.error("must be an integer");
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw field.outOfRange();
        }
        return p.getLongValue();
    }

    private static void expectEnd(final JsonParser p) throws EventValidationException {
        final JsonToken t;
        try {
            t = p.nextToken();
        } catch (final IOException e) {
            throw trailing();
        }
        if (t != null) {
            throw trailing();
        }
    }

    private static EventValidationException fromJackson(final IOException e) {
        if (e instanceof StreamConstraintsException) {
            // Only the token-size limits set above can trip, and each means the event is too large.
            return tooLarge();
        }
        final long offset =
                e instanceof JsonProcessingException ? offset(((JsonProcessingException) e).getLocation()) : -1;
        final String where = offset < 0 ? "" : " at offset " + offset;
        if (e instanceof JsonEOFException) {
            return body("unexpected end of JSON" + where);
        }
        return body("malformed JSON" + where);
    }

    private static long offset(final JsonLocation location) {
        return location == null ? -1 : location.getByteOffset();
    }

    private static String echo(final String input) {
        return input.length() > MAX_ECHO ? input.substring(0, MAX_ECHO) : input;
    }

    private static EventValidationException tooLarge() {
        return body("event larger than " + MAX_EVENT_BYTES + " bytes");
    }

    private static EventValidationException trailing() {
        return body("unexpected content after the JSON value");
    }

    private static EventValidationException body(final String detail) {
        return new EventValidationException(EventValidationException.BODY, detail);
    }

    private static SerializedString[] typeValues() {
        final EventType[] types = EventType.values();
        final SerializedString[] values = new SerializedString[types.length];
        for (final EventType type : types) {
            values[type.ordinal()] = new SerializedString(type.wireName());
        }
        return values;
    }
}
