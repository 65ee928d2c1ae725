package com.motioness.edge.webhook.dispatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A job as JSON, the form Redis keeps it in ({@code webhooks:jobs}). */
final class WebhookJobCodec {
    private static final JsonFactory FACTORY = new JsonFactory();

    private WebhookJobCodec() {}

    static byte[] encode(WebhookJob job) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(job.body().length + 256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("m", job.messageId());
            json.writeStringField("ep", job.endpointId());
            json.writeStringField("p", job.projectId());
            json.writeStringField("a", job.assetId());
            json.writeStringField("e", job.eventId().toString());
            json.writeStringField("t", job.eventType().wireName());
            // The body is JSON text: kept as a string, which costs less than base64.
            json.writeStringField("b", new String(job.body(), StandardCharsets.UTF_8));
            json.writeNumberField("n", job.attempt());
            json.writeNumberField("f", job.firstAttemptMs());
            if (job.lastErrorCode() != null) {
                json.writeStringField("ec", job.lastErrorCode());
                json.writeStringField("em", job.lastErrorMsg());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static WebhookJob decode(byte[] bytes) {
        String messageId = null;
        String endpointId = null;
        String projectId = null;
        String assetId = null;
        EventId eventId = null;
        EventType type = null;
        byte[] body = null;
        int attempt = 0;
        long firstAttemptMs = 0;
        String errorCode = null;
        String errorMsg = null;
        try (JsonParser json = FACTORY.createParser(bytes)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a job is a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                switch (field) {
                    case "m" -> messageId = json.getText();
                    case "ep" -> endpointId = json.getText();
                    case "p" -> projectId = json.getText();
                    case "a" -> assetId = json.getText();
                    case "e" -> eventId = EventId.parse(json.getText());
                    case "t" -> type = EventType.ofWireName(json.getText());
                    case "b" -> body = json.getText().getBytes(StandardCharsets.UTF_8);
                    case "n" -> attempt = json.getIntValue();
                    case "f" -> firstAttemptMs = json.getLongValue();
                    case "ec" -> errorCode = json.getText();
                    case "em" -> errorMsg = json.getText();
                    default -> json.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a job: " + e.getMessage(), e);
        }
        if (messageId == null
                || endpointId == null
                || projectId == null
                || assetId == null
                || eventId == null
                || type == null
                || body == null
                || attempt < 1) {
            throw new IllegalArgumentException("a job lacks a field");
        }
        return new WebhookJob(
                messageId,
                endpointId,
                projectId,
                assetId,
                eventId,
                type,
                body,
                attempt,
                firstAttemptMs,
                errorCode,
                errorMsg);
    }
}
