package com.motioness.edge.webhook;

import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;

/**
 * A delivery that failed all its attempts, kept so the customer can see it and have it sent again.
 *
 * @param messageId the delivery's {@code webhook-id}, which a redelivery keeps
 * @param endpointId the endpoint it was for
 * @param projectId the endpoint's project
 * @param assetId the event's asset
 * @param eventId the event's id in the log
 * @param eventType the event's type
 * @param body the POST body exactly as it was sent
 * @param attempts how many attempts were made
 * @param errorCode the last attempt's error code, e.g. {@code HTTP_503}
 * @param errorMsg the last attempt's error message
 * @param deadMs when it was dead-lettered, epoch milliseconds
 */
public record DeadLetter(
        String messageId,
        String endpointId,
        String projectId,
        String assetId,
        EventId eventId,
        EventType eventType,
        byte[] body,
        int attempts,
        String errorCode,
        String errorMsg,
        long deadMs) {}
