package com.motioness.edge.webhook.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.EndpointSecret;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import com.motioness.protocol.webhook.WebhookSecret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Endpoints and dead letters as Redis stores them, one JSON document each (jackson-core
 * streaming). An endpoint's secrets are stored as their text: the dispatcher signs with them. A
 * dead letter's body is stored as its exact bytes (base64 in the document).
 */
final class StoredJson {
    private static final JsonFactory JSON = new JsonFactory();

    private StoredJson() {}

    static byte[] endpoint(WebhookEndpoint endpoint) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("id", endpoint.id());
            json.writeStringField("project_id", endpoint.projectId());
            json.writeStringField("url", endpoint.url());
            json.writeArrayFieldStart("event_types");
            for (EventType type : sorted(endpoint.eventTypes())) {
                json.writeString(type.wireName());
            }
            json.writeEndArray();
            json.writeBooleanField("enabled", endpoint.enabled());
            json.writeNumberField("created_ms", endpoint.createdMs());
            json.writeArrayFieldStart("secrets");
            for (EndpointSecret secret : endpoint.secrets()) {
                json.writeStartObject();
                json.writeStringField("secret", secret.secret().reveal());
                json.writeNumberField("expires_ms", secret.expiresMs());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The types in their enum order, so a document is the same for the same endpoint. */
    static List<EventType> sorted(Set<EventType> types) {
        return types.isEmpty() ? List.of() : List.copyOf(EnumSet.copyOf(types));
    }

    static WebhookEndpoint endpoint(byte[] document) {
        String id = null;
        String projectId = null;
        String url = null;
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        boolean enabled = false;
        long createdMs = 0;
        List<EndpointSecret> secrets = new ArrayList<>();
        try (JsonParser json = JSON.createParser(document)) {
            expect(json.nextToken(), JsonToken.START_OBJECT);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "id" -> id = json.getText();
                    case "project_id" -> projectId = json.getText();
                    case "url" -> url = json.getText();
                    case "enabled" -> enabled = value == JsonToken.VALUE_TRUE;
                    case "created_ms" -> createdMs = json.getLongValue();
                    case "event_types" -> {
                        while (json.nextToken() == JsonToken.VALUE_STRING) {
                            EventType type = EventType.ofWireName(json.getText());
                            if (type != null) {
                                types.add(type);
                            }
                        }
                    }
                    case "secrets" -> {
                        while (json.nextToken() == JsonToken.START_OBJECT) {
                            secrets.add(secret(json));
                        }
                    }
                    default -> json.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("a stored webhook endpoint is not valid JSON", e);
        }
        return new WebhookEndpoint(id, projectId, url, types, enabled, secrets, createdMs);
    }

    private static EndpointSecret secret(JsonParser json) throws IOException {
        WebhookSecret secret = null;
        long expiresMs = 0;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            switch (field) {
                case "secret" -> secret = WebhookSecret.parse(json.getText());
                case "expires_ms" -> expiresMs = json.getLongValue();
                default -> json.skipChildren();
            }
        }
        return new EndpointSecret(secret, expiresMs);
    }

    static byte[] deadLetter(DeadLetter letter) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + letter.body().length * 4 / 3);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            DeadLetterFields.write(json, letter);
            json.writeStringField("project_id", letter.projectId());
            json.writeNumberField("dead_ms", letter.deadMs());
            json.writeBinaryField("body", letter.body());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static DeadLetter deadLetter(byte[] document) {
        String messageId = null;
        String endpointId = null;
        String projectId = null;
        String assetId = null;
        EventId eventId = null;
        EventType eventType = null;
        int attempts = 0;
        String errorCode = null;
        String errorMsg = null;
        long deadMs = 0;
        byte[] body = null;
        try (JsonParser json = JSON.createParser(document)) {
            expect(json.nextToken(), JsonToken.START_OBJECT);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                String text = value == JsonToken.VALUE_NULL ? null : json.getText();
                switch (field) {
                    case "message_id" -> messageId = text;
                    case "endpoint_id" -> endpointId = text;
                    case "project_id" -> projectId = text;
                    case "asset_id" -> assetId = text;
                    case "event_id" -> eventId = EventId.parse(text);
                    case "event_type" -> eventType = EventType.ofWireName(text);
                    case "attempts" -> attempts = json.getIntValue();
                    case "error_code" -> errorCode = text;
                    case "error_msg" -> errorMsg = text;
                    case "dead_ms" -> deadMs = json.getLongValue();
                    case "body" -> body = json.getBinaryValue();
                    default -> json.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("a stored dead letter is not valid JSON", e);
        }
        return new DeadLetter(
                messageId,
                endpointId,
                projectId,
                assetId,
                eventId,
                eventType,
                body,
                attempts,
                errorCode,
                errorMsg,
                deadMs);
    }

    private static void expect(JsonToken token, JsonToken expected) throws IOException {
        if (token != expected) {
            throw new IOException("expected " + expected + ", got " + token);
        }
    }
}
