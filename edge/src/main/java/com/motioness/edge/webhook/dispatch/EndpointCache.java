package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.WebhookEndpoint;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A project's endpoints as last listed, empty lists included (most projects have none, and every
 * event of theirs asks). A change notice drops the project, so the next event lists it again; a
 * failed listing is not kept. A listing is also dropped after {@link #MAX_AGE_NANOS}: a notice
 * can be missed (Redis pub/sub delivers nothing to a subscriber while it reconnects), and a
 * change must not stay unseen for longer than that.
 */
final class EndpointCache {
    static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Listing(CompletableFuture<List<WebhookEndpoint>> endpoints, long listedNanos) {}

    private final EndpointStore store;
    private final ConcurrentHashMap<String, Listing> byProject = new ConcurrentHashMap<>();

    EndpointCache(EndpointStore store) {
        this.store = store;
        store.onChange(byProject::remove);
    }

    /** The project's endpoints, enabled or not. */
    CompletableFuture<List<WebhookEndpoint>> of(String projectId) {
        long now = System.nanoTime();
        Listing cached = byProject.get(projectId);
        if (cached != null && now - cached.listedNanos() < MAX_AGE_NANOS) {
            return cached.endpoints();
        }
        Listing listing = byProject.compute(
                projectId,
                (project, old) -> old != null && old != cached ? old : new Listing(store.list(project), now));
        listing.endpoints().whenComplete((endpoints, error) -> {
            if (error != null) {
                byProject.remove(projectId, listing);
            }
        });
        return listing.endpoints();
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
