package com.motioness.perf.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The scalar fields at the top of a JSON object, as text: all the webhook pieces read from the
 * answers and bodies they get (an event's {@code id}, an endpoint's {@code secret}, a report's
 * {@code unique}); nested objects and arrays are skipped.
 */
final class TopLevelFields {
    private static final JsonFactory JSON = new JsonFactory();

    private TopLevelFields() {}

    /** @throws IOException when the input is not a JSON object */
    static Map<String, String> of(byte[] json) throws IOException {
        try (JsonParser parser = JSON.createParser(json)) {
            return read(parser);
        }
    }

    /** @throws IOException when the input is not a JSON object */
    static Map<String, String> of(String json) throws IOException {
        try (JsonParser parser = JSON.createParser(json)) {
            return read(parser);
        }
    }

    private static Map<String, String> read(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("not a JSON object");
        }
        Map<String, String> fields = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                parser.skipChildren();
            } else if (value != JsonToken.VALUE_NULL) {
                fields.put(field, parser.getText());
            }
        }
        return fields;
    }
}
