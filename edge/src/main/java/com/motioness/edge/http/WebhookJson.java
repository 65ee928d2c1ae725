package com.motioness.edge.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.edge.webhook.store.DeadLetterFields;
import com.motioness.edge.webhook.store.WebhookEndpoints.Rotation;
import com.motioness.protocol.EventType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The webhook API's JSON, read and written with jackson-core's streaming API: request bodies
 * (unknown and repeated fields refused, so a typo is not silently ignored) and answers (an
 * endpoint's secret only in the answers of creation and rotation). Times are ISO-8601 UTC.
 */
final class WebhookJson {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private WebhookJson() {}

    /** A request body the API cannot take: answered 400 with its error code. */
    static final class BadBody extends Exception {
        private static final long serialVersionUID = 1L;

        private final String code;

        BadBody(String message) {
            this("invalid_body", message);
        }

        BadBody(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        ApiError error() {
            return ApiError.of(HttpResponseStatus.BAD_REQUEST, code, getMessage());
        }
    }

    /** What {@code POST …/webhooks} asks: the URL, and the event types or null for the defaults. */
    record Creation(String url, List<String> eventTypes) {}

    static Creation creation(ByteBuf body) throws BadBody {
        String[] url = new String[1];
        List<List<String>> types = new ArrayList<>(1);
        readObject(body, (json, field, value) -> {
            switch (field) {
                case "url" -> url[0] = string(json, value, field);
                case "event_types" -> types.add(strings(json, value, field));
                default -> throw unknown(field);
            }
        });
        return new Creation(url[0], types.isEmpty() ? null : types.get(0));
    }

    /** {@code PATCH …/webhooks/{id}}: {@code {"enabled": true|false}}. */
    static boolean enabled(ByteBuf body) throws BadBody {
        Boolean[] enabled = new Boolean[1];
        readObject(body, (json, field, value) -> {
            if (!field.equals("enabled")) {
                throw unknown(field);
            }
            if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                throw new BadBody("enabled must be true or false");
            }
            enabled[0] = value == JsonToken.VALUE_TRUE;
        });
        if (enabled[0] == null) {
            throw new BadBody("enabled is required");
        }
        return enabled[0];
    }

    /** {@code POST …/rotate}: an optional {@code {"grace_seconds": n}}; null when the body names none. */
    static Duration grace(ByteBuf body) throws BadBody {
        if (!body.isReadable()) {
            return null;
        }
        Duration[] grace = new Duration[1];
        readObject(body, (json, field, value) -> {
            if (!field.equals("grace_seconds")) {
                throw unknown(field);
            }
            if (value != JsonToken.VALUE_NUMBER_INT) {
                throw new BadBody("grace_seconds must be a whole number of seconds");
            }
            grace[0] = Duration.ofSeconds(json.getLongValue());
        });
        return grace[0];
    }

    /** Takes one field of a request body, its value's first token read. */
    @FunctionalInterface
    private interface FieldReader {
        void read(JsonParser json, String field, JsonToken value) throws IOException, BadBody;
    }

    /** Reads a body that must be one JSON object, field by field. */
    private static void readObject(ByteBuf body, FieldReader reader) throws BadBody {
        if (!body.isReadable()) {
            throw new BadBody("invalid_json", "a JSON object is required");
        }
        try (JsonParser json = JSON.createParser((java.io.InputStream) new ByteBufInputStream(body.duplicate()))) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new BadBody("invalid_json", "the body must be a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                reader.read(json, field, json.nextToken());
            }
            if (json.nextToken() != null) {
                throw new BadBody("invalid_json", "the body must be one JSON object, nothing after it");
            }
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String string(JsonParser json, JsonToken value, String field) throws IOException, BadBody {
        if (value != JsonToken.VALUE_STRING) {
            throw new BadBody(field + " must be a string");
        }
        return json.getText();
    }

    private static List<String> strings(JsonParser json, JsonToken value, String field) throws IOException, BadBody {
        if (value != JsonToken.START_ARRAY) {
            throw new BadBody(field + " must be an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (JsonToken item = json.nextToken(); item != JsonToken.END_ARRAY; item = json.nextToken()) {
            strings.add(string(json, item, field + "[" + strings.size() + "]"));
        }
        return strings;
    }

    private static BadBody unknown(String field) {
        return new BadBody("unknown_field", "unknown field " + ApiError.abbreviate(field));
    }

    private static BadBody malformed(JsonProcessingException e) {
        return new BadBody("invalid_json", "malformed JSON: " + ApiError.abbreviate(e.getOriginalMessage(), 120));
    }

    /** An endpoint, and its secret only when {@code secret} (creation's answer). */
    static byte[] endpoint(WebhookEndpoint endpoint, boolean secret) {
        return write(json -> writeEndpoint(json, endpoint, secret));
    }

    static byte[] endpoints(List<WebhookEndpoint> endpoints) {
        return write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("endpoints");
            for (WebhookEndpoint endpoint : endpoints) {
                writeEndpoint(json, endpoint, false);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static void writeEndpoint(JsonGenerator json, WebhookEndpoint endpoint, boolean secret) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", endpoint.id());
        json.writeStringField("url", endpoint.url());
        json.writeArrayFieldStart("event_types");
        Set<EventType> types = endpoint.eventTypes().isEmpty() ? Set.of() : EnumSet.copyOf(endpoint.eventTypes());
        for (EventType type : types) {
            json.writeString(type.wireName());
        }
        json.writeEndArray();
        json.writeBooleanField("enabled", endpoint.enabled());
        json.writeStringField(
                "created", Instant.ofEpochMilli(endpoint.createdMs()).toString());
        if (secret) {
            json.writeStringField("secret", endpoint.secrets().get(0).secret().reveal());
        }
        json.writeEndObject();
    }

    static byte[] rotation(Rotation rotation) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("id", rotation.endpoint().id());
            json.writeStringField("secret", rotation.secret().reveal());
            json.writeStringField(
                    "previous_expires",
                    Instant.ofEpochMilli(rotation.previousExpiresMs()).toString());
            json.writeEndObject();
        });
    }

    static byte[] deadLetters(List<DeadLetter> letters) {
        return write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("dead_letters");
            for (DeadLetter letter : letters) {
                json.writeStartObject();
                DeadLetterFields.write(json, letter);
                json.writeStringField(
                        "dead_at", Instant.ofEpochMilli(letter.deadMs()).toString());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    static byte[] redelivered(int count) {
        return write(json -> {
            json.writeStartObject();
            json.writeNumberField("redelivered", count);
            json.writeEndObject();
        });
    }

    @FunctionalInterface
    private interface Writing {
        void write(JsonGenerator json) throws IOException;
    }

    private static byte[] write(Writing writing) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            writing.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }
}
