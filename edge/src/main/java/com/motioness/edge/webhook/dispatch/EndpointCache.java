package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.WebhookEndpoint;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A project's endpoints as last listed, empty lists included (most projects have none, and every
 * event of theirs asks). A change notice drops the project, so the next event lists it again; a
 * failed listing is not kept.
 */
final class EndpointCache {
    private final EndpointStore store;
    private final ConcurrentHashMap<String, CompletableFuture<List<WebhookEndpoint>>> byProject =
            new ConcurrentHashMap<>();

    EndpointCache(EndpointStore store) {
        this.store = store;
        store.onChange(byProject::remove);
    }

    /** The project's endpoints, enabled or not. */
    CompletableFuture<List<WebhookEndpoint>> of(String projectId) {
        CompletableFuture<List<WebhookEndpoint>> cached = byProject.get(projectId);
        if (cached != null) {
            return cached;
        }
        CompletableFuture<List<WebhookEndpoint>> listing = byProject.computeIfAbsent(projectId, store::list);
        listing.whenComplete((endpoints, error) -> {
            if (error != null) {
                byProject.remove(projectId, listing);
            }
        });
        return listing;
    }

    /** The endpoint with this id in a listing, or null. */
    static WebhookEndpoint find(List<WebhookEndpoint> endpoints, String endpointId) {
        for (WebhookEndpoint endpoint : endpoints) {
            if (endpoint.id().equals(endpointId)) {
                return endpoint;
            }
        }
        return null;
    }
}
