package com.motioness.edge.webhook.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.motioness.edge.webhook.DeadLetter;
import java.io.IOException;

/**
 * The fields of a dead letter that both its stored document and the API's list show, written the
 * same way in both: message, endpoint, asset, event id and type, attempts, last error.
 */
public final class DeadLetterFields {
    private DeadLetterFields() {}

    /** Writes the shared fields into the object {@code json} has open. */
    public static void write(JsonGenerator json, DeadLetter letter) throws IOException {
        json.writeStringField("message_id", letter.messageId());
        json.writeStringField("endpoint_id", letter.endpointId());
        json.writeStringField("asset_id", letter.assetId());
        json.writeStringField("event_id", letter.eventId().toString());
        json.writeStringField("event_type", letter.eventType().wireName());
        json.writeNumberField("attempts", letter.attempts());
        json.writeStringField("error_code", letter.errorCode());
        json.writeStringField("error_msg", letter.errorMsg());
    }
}
