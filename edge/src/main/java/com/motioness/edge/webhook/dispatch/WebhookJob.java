package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One event on its way to one endpoint. Its message id is its identity in every queue: one job per
 * endpoint and event.
 *
 * @param messageId the {@code webhook-id}
 * @param endpointId the endpoint it goes to
 * @param projectId the endpoint's and the event's project
 * @param assetId the event's asset
 * @param eventId the event's id in the log
 * @param eventType the event's type
 * @param body the POST body: the event's JSON with its id first
 * @param attempt the number of the next attempt, from 1
 * @param firstAttemptMs when the job was made (or redelivered), epoch milliseconds: it names this
 *     round of attempts in the idempotency keys of its events and starts the clock of the
 *     {@code ENDPOINT_PARKED} rule
 * @param lastErrorCode the last failed attempt's error code, or null
 * @param lastErrorMsg the last failed attempt's error message, or null
 */
record WebhookJob(
        String messageId,
        String endpointId,
        String projectId,
        String assetId,
        EventId eventId,
        EventType eventType,
        byte[] body,
        int attempt,
        long firstAttemptMs,
        String lastErrorCode,
        String lastErrorMsg) {

    private static final byte[] ID_FIELD = "\"id\":\"".getBytes(StandardCharsets.US_ASCII);

    /** A new job for an event: attempt 1 next. */
    static WebhookJob of(String endpointId, TakenEvent event, long nowMs) {
        return new WebhookJob(
                MessageIds.of(endpointId, event.assetId(), event.id()),
                endpointId,
                event.projectId(),
                event.assetId(),
                event.id(),
                event.type(),
                bodyOf(event.id(), event.json()),
                1,
                nowMs,
                null,
                null);
    }

    /** One job per endpoint of {@code endpoints} that receives the event now. */
    static List<WebhookJob> forEvent(List<WebhookEndpoint> endpoints, TakenEvent event, long nowMs) {
        List<WebhookJob> jobs = new ArrayList<>(1);
        for (WebhookEndpoint endpoint : endpoints) {
            if (endpoint.receives(event.type())) {
                jobs.add(of(endpoint.id(), event, nowMs));
            }
        }
        return jobs;
    }

    /** This job after a failed attempt: the next attempt's number and the error. */
    WebhookJob failed(String errorCode, String errorMsg) {
        return new WebhookJob(
                messageId,
                endpointId,
                projectId,
                assetId,
                eventId,
                eventType,
                body,
                attempt + 1,
                firstAttemptMs,
                errorCode,
                errorMsg);
    }

    /** A dead letter back as a job: the same message id, a fresh budget of attempts from now. */
    static WebhookJob redeliveryOf(DeadLetter letter, long nowMs) {
        return new WebhookJob(
                letter.messageId(),
                letter.endpointId(),
                letter.projectId(),
                letter.assetId(),
                letter.eventId(),
                letter.eventType(),
                letter.body(),
                1,
                nowMs,
                null,
                null);
    }

    /** How many attempts were made. */
    int attemptsMade() {
        return attempt - 1;
    }

    /**
     * The event's JSON as the SSE {@code data:} carries it with {@code "id":"<id>"} first, the id in
     * the SSE {@code id:} form ({@link EventId#toString()}).
     */
    static byte[] bodyOf(EventId eventId, byte[] eventJson) {
        int open = 0;
        while (open < eventJson.length && eventJson[open] != '{') {
            open++;
        }
        if (open == eventJson.length) {
            throw new IllegalArgumentException("an event's JSON is an object");
        }
        byte[] id = eventId.toString().getBytes(StandardCharsets.US_ASCII);
        boolean empty = isEmptyObject(eventJson, open);
        byte[] body = new byte[eventJson.length + ID_FIELD.length + id.length + (empty ? 1 : 2)];
        int at = 0;
        System.arraycopy(eventJson, 0, body, at, open + 1);
        at += open + 1;
        System.arraycopy(ID_FIELD, 0, body, at, ID_FIELD.length);
        at += ID_FIELD.length;
        System.arraycopy(id, 0, body, at, id.length);
        at += id.length;
        body[at++] = '"';
        if (!empty) {
            body[at++] = ',';
        }
        System.arraycopy(eventJson, open + 1, body, at, eventJson.length - open - 1);
        return body;
    }

    private static boolean isEmptyObject(byte[] json, int open) {
        for (int i = open + 1; i < json.length; i++) {
            byte b = json[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '}';
            }
        }
        return false;
    }

    @Override
    public String toString() {
        // No body: it is the customer's event, and this may reach a log.
        return "WebhookJob[" + messageId + " endpoint=" + endpointId + " event=" + eventId + " attempt=" + attempt
                + "]";
    }
}
