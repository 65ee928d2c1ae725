package com.motioness.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.Objects;

/**
 * The fields that route an event to its streams: its type, project and asset, read from its JSON
 * without decoding the rest.
 *
 * <p>{@link #scan(byte[])} reads the top-level fields with Jackson's streaming parser and stops as
 * soon as it has these three, so it neither builds an {@link AssetEvent} nor reads the fields
 * after them. It checks what it reads as {@link EventJson#decode(byte[])} does ({@code type} a
 * known wire name, the ids strings within their length and characters, no field twice among those
 * read), but not the rest of the event: it is meant for JSON a log already validated, such as the
 * Redis function's firehose entries. Immutable; the methods are safe to call from any thread.
 */
public final class RoutingFields {
    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            // Keeps input out of exception messages, which are never shown anyway.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private static final int ALL = Field.TYPE.bit | Field.PROJECT_ID.bit | Field.ASSET_ID.bit;

    private final EventType type;
    private final String projectId;
    private final String assetId;

    private RoutingFields(final EventType type, final String projectId, final String assetId) {
        this.type = type;
        this.projectId = projectId;
        this.assetId = assetId;
    }

    /**
     * Reads the routing fields of one event.
     *
     * @param json one JSON object in UTF-8, at most {@link EventJson#MAX_EVENT_BYTES} bytes
     * @return its type, project id and asset id
     * @throws EventValidationException when the JSON is not an object, is malformed before the
     *     three fields were read, or one of them is missing, null, not a string, or breaks its rule
     */
    public static RoutingFields scan(final byte[] json) throws EventValidationException {
        Objects.requireNonNull(json, "json");
        if (json.length > EventJson.MAX_EVENT_BYTES) {
            throw body("event larger than " + EventJson.MAX_EVENT_BYTES + " bytes");
        }
        // As in EventJson: Jackson would quietly read UTF-16 or UTF-32, which it detects by a zero
        // byte or a byte order mark at the start.
        for (int i = 0, n = Math.min(4, json.length); i < n; i++) {
            if (json[i] == 0 || (i == 0 && (json[0] == (byte) 0xFE || json[0] == (byte) 0xFF))) {
                throw body("JSON must be UTF-8");
            }
        }
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw body("expected a JSON object");
            }
            String typeName = null;
            String projectId = null;
            String assetId = null;
            int seen = 0;
            while (seen != ALL && p.nextToken() == JsonToken.FIELD_NAME) {
                final Field field = routing(p.currentName());
                final JsonToken value = p.nextToken();
                if (field == null) {
                    // Another field's value, whatever it holds (names included), is passed over whole.
                    p.skipChildren();
                    continue;
                }
                if ((seen & field.bit) != 0) {
                    throw field.error("duplicate field");
                }
                seen |= field.bit;
                if (value != JsonToken.VALUE_STRING) {
                    throw field.error(value == JsonToken.VALUE_NULL ? "required" : "must be a string");
                }
                final String text = p.getText();
                if (field == Field.TYPE) {
                    typeName = text;
                } else if (field == Field.PROJECT_ID) {
                    projectId = Field.PROJECT_ID.checkText(text);
                } else {
                    assetId = Field.ASSET_ID.checkText(text);
                }
            }
            if (seen != ALL) {
                // The object ended without them (or the parser stopped on something else).
                throw missing(seen).error("required");
            }
            final EventType type = EventType.ofWireName(typeName);
            if (type == null) {
                // At most 64 characters of it, as EventJson echoes unknown names.
                throw Field.TYPE.error(
                        "unknown event type \"" + typeName.substring(0, Math.min(64, typeName.length())) + '"');
            }
            return new RoutingFields(type, projectId, assetId);
        } catch (final IOException e) {
            throw body("malformed JSON");
        }
    }

    private static Field routing(final String name) {
        final Field field = Field.ofJsonName(name);
        return field == Field.TYPE || field == Field.PROJECT_ID || field == Field.ASSET_ID ? field : null;
    }

    /** The first routing field, in wire order, not in {@code seen}. */
    private static Field missing(final int seen) {
        if ((seen & Field.TYPE.bit) == 0) {
            return Field.TYPE;
        }
        return (seen & Field.ASSET_ID.bit) == 0 ? Field.ASSET_ID : Field.PROJECT_ID;
    }

    private static EventValidationException body(final String detail) {
        return new EventValidationException(EventValidationException.BODY, detail);
    }

    /**
     * Returns the event type.
     *
     * @return the type named by the {@code type} field
     */
    public EventType type() {
        return type;
    }

    /**
     * Returns the project the event belongs to.
     *
     * @return the {@code project_id} field
     */
    public String projectId() {
        return projectId;
    }

    /**
     * Returns the asset the event belongs to.
     *
     * @return the {@code asset_id} field
     */
    public String assetId() {
        return assetId;
    }
}
