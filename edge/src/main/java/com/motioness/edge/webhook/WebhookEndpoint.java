package com.motioness.edge.webhook;

import com.motioness.protocol.EventType;
import com.motioness.protocol.webhook.WebhookSecret;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A customer's receiver of one project's events: where to POST, which event types, whether it is
 * on, and the secrets deliveries are signed with.
 *
 * @param id {@code ep_} and 26 lower-case base32 characters, chosen by the server
 * @param projectId the project whose events it receives
 * @param url the https (or, with {@code --webhooks-allow-http}, http) URL deliveries are POSTed to
 * @param eventTypes the types delivered; never a {@code webhook_*} type, so a delivery never
 *     triggers another
 * @param enabled false while disabled: its events are not delivered (nor held)
 * @param secrets the signing secrets, newest first; after a rotation the previous one keeps
 *     signing until its grace period ends
 * @param createdMs when it was registered, epoch milliseconds
 */
public record WebhookEndpoint(
        String id,
        String projectId,
        String url,
        Set<EventType> eventTypes,
        boolean enabled,
        List<EndpointSecret> secrets,
        long createdMs) {

    /** The event types an endpoint receives when its registration names none. */
    public static final Set<EventType> DEFAULT_EVENT_TYPES =
            Set.of(EventType.READY, EventType.FAILED, EventType.CANCELLED);

    public WebhookEndpoint {
        eventTypes = Set.copyOf(eventTypes);
        secrets = List.copyOf(secrets);
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("an endpoint needs a signing secret");
        }
        for (EventType type : eventTypes) {
            if (type.isWebhook()) {
                throw new IllegalArgumentException(type.wireName() + " cannot be delivered by webhook");
            }
        }
    }

    /** Whether an event of {@code type} goes to this endpoint now. */
    public boolean receives(EventType type) {
        return enabled && eventTypes.contains(type);
    }

    /** The secrets that sign a delivery made at {@code nowMs}, newest first: the current one and any in grace. */
    public List<WebhookSecret> signingSecrets(long nowMs) {
        List<WebhookSecret> signing = new ArrayList<>(secrets.size());
        for (EndpointSecret secret : secrets) {
            if (secret.signsAt(nowMs)) {
                signing.add(secret.secret());
            }
        }
        return signing;
    }

    /** This endpoint with {@code enabled} changed. */
    public WebhookEndpoint withEnabled(boolean on) {
        return new WebhookEndpoint(id, projectId, url, eventTypes, on, secrets, createdMs);
    }

    /** This endpoint with {@code secrets} replaced. */
    public WebhookEndpoint withSecrets(List<EndpointSecret> newSecrets) {
        return new WebhookEndpoint(id, projectId, url, eventTypes, enabled, newSecrets, createdMs);
    }

    @Override
    public String toString() {
        // Never the secrets: this string may reach a log.
        return "WebhookEndpoint[" + id + " project=" + projectId + " url=" + url + " enabled=" + enabled + "]";
    }
}
