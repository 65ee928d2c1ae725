package com.motioness.edge.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An error answer: a status and a short JSON body that names what was wrong, e.g.
 * {@code {"error":"malformed_cursor","message":"Last-Event-ID: expected <ms> or <ms>-<seq>, got \"x\""}}.
 * Validation errors also carry {@code field} and, inside a batch, {@code index}; an event after its
 * asset's terminal event carries {@code terminal_id}.
 */
final class ApiError {
    private static final JsonFactory JSON = new JsonFactory();

    final HttpResponseStatus status;
    final String code;
    final String message;
    final String field;
    final String terminalId;
    final int index;

    private ApiError(
            HttpResponseStatus status, String code, String message, String field, String terminalId, int index) {
        this.status = status;
        this.code = code;
        this.message = message;
        this.field = field;
        this.terminalId = terminalId;
        this.index = index;
    }

    static ApiError of(HttpResponseStatus status, String code, String message) {
        return new ApiError(status, code, message, null, null, -1);
    }

    static ApiError invalidEvent(String field, int index, String message) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_event", message, field, null, index);
    }

    /** 409: an event after its asset's terminal event ({@code terminalId} null when that is in the same batch). */
    static ApiError assetEnded(String terminalId, int index, String message) {
        return new ApiError(HttpResponseStatus.CONFLICT, "asset_ended", message, null, terminalId, index);
    }

    /** {@code text} cut to 64 characters for an error message, or "(none)". */
    static String abbreviate(String text) {
        return abbreviate(text, 64);
    }

    static String abbreviate(String text, int max) {
        if (text == null) {
            return "(none)";
        }
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }

    byte[] body() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("error", code);
            json.writeStringField("message", message);
            if (field != null) {
                json.writeStringField("field", field);
            }
            if (terminalId != null) {
                json.writeStringField("terminal_id", terminalId);
            }
            if (index >= 0) {
                json.writeNumberField("index", index);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    @Override
    public String toString() {
        return status.code() + " " + code + ": " + message;
    }
}
