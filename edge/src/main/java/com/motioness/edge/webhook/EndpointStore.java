package com.motioness.edge.webhook;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where endpoints are kept: in memory in embedded mode, in Redis in Redis mode, where every node
 * sees a change at once. Futures may complete on any thread.
 */
public interface EndpointStore extends AutoCloseable {

    /** Every endpoint of a project, enabled or not, oldest first; empty when it has none. */
    CompletableFuture<List<WebhookEndpoint>> list(String projectId);

    /** One endpoint, or null when the project has none with this id. */
    CompletableFuture<WebhookEndpoint> get(String projectId, String endpointId);

    /** Stores an endpoint, new or replacing the one with its id, and tells every listener. */
    CompletableFuture<Void> put(WebhookEndpoint endpoint);

    /** Removes an endpoint and tells every listener; true when there was one. */
    CompletableFuture<Boolean> delete(String projectId, String endpointId);

    /**
     * Calls {@code listener} with a project's id after any change to its endpoints, made by this
     * process or (in Redis mode) any other; caches of endpoints drop that project then.
     */
    void onChange(Consumer<String> listener);

    @Override
    void close();
}
