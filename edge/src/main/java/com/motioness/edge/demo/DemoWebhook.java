package com.motioness.edge.demo;

import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.edge.webhook.store.WebhookEndpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's customer endpoint, registered as a customer would: the {@link DemoReceiver} on loopback,
 * subscribed to the storage write (so its deliveries show in an asset's own stream, before the
 * terminal event) and to the terminal events (which show on the project's feed and dashboard).
 */
public final class DemoWebhook implements AutoCloseable {
    private static final List<String> EVENT_TYPES = List.of("r2_write_completed", "ready", "failed", "cancelled");

    private final DemoReceiver receiver;
    private final WebhookEndpoint endpoint;

    private DemoWebhook(DemoReceiver receiver, WebhookEndpoint endpoint) {
        this.receiver = receiver;
        this.endpoint = endpoint;
    }

    /** Starts the receiver and registers it on {@code projectId}. */
    public static DemoWebhook start(WebhookEndpoints registry, String projectId) {
        DemoReceiver receiver;
        try {
            receiver = DemoReceiver.start();
        } catch (IOException e) {
            throw new UncheckedIOException("demo webhook receiver", e);
        }
        try {
            WebhookEndpoint endpoint =
                    registry.create(projectId, receiver.url(), EVENT_TYPES).get(10, TimeUnit.SECONDS);
            receiver.expectSecret(
                    endpoint.signingSecrets(System.currentTimeMillis()).get(0));
            return new DemoWebhook(receiver, endpoint);
        } catch (Exception e) {
            receiver.close();
            throw new IllegalStateException("could not register the demo's webhook endpoint: " + e, e);
        }
    }

    /** The registered endpoint. */
    public WebhookEndpoint endpoint() {
        return endpoint;
    }

    /** The receiver's URL. */
    public String url() {
        return receiver.url();
    }

    @Override
    public void close() {
        receiver.close();
    }
}
