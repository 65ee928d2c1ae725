package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.WebhookEndpoint;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A project's endpoints as last listed, empty lists included (most projects have none, and every
 * event of theirs asks). A change notice drops the project, so the next event lists it again; a
 * failed listing is not kept. A listing older than {@link #MAX_AGE_NANOS} is listed again: a notice
 * can be missed (Redis pub/sub delivers nothing to a subscriber while it reconnects), and a change
 * must not stay unseen for longer than that. That listing runs in the background while the old one
 * is still answered, so the intake never waits on the store for a project it knows.
 */
final class EndpointCache {
    static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Listing(
            CompletableFuture<List<WebhookEndpoint>> endpoints, long listedNanos, AtomicBoolean refreshing) {
        Listing(CompletableFuture<List<WebhookEndpoint>> endpoints, long listedNanos) {
            this(endpoints, listedNanos, new AtomicBoolean());
        }
    }

    private final EndpointStore store;
    private final long maxAgeNanos;
    private final ConcurrentHashMap<String, Listing> byProject = new ConcurrentHashMap<>();

    EndpointCache(EndpointStore store) {
        this(store, MAX_AGE_NANOS);
    }

    EndpointCache(EndpointStore store, long maxAgeNanos) {
        this.store = store;
        this.maxAgeNanos = maxAgeNanos;
        store.onChange(byProject::remove);
    }

    /** The project's endpoints, enabled or not. */
    CompletableFuture<List<WebhookEndpoint>> of(String projectId) {
        long now = System.nanoTime();
        Listing cached = byProject.get(projectId);
        if (cached != null && !cached.endpoints().isCompletedExceptionally()) {
            if (now - cached.listedNanos() >= maxAgeNanos && cached.endpoints().isDone()) {
                refresh(projectId, cached, now);
            }
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

    /**
     * Lists a project again, once at a time, and keeps the new listing unless a change notice dropped
     * the old one meanwhile (the next event then lists it afresh). A failed listing leaves the old
     * one, tried again by the next event.
     */
    private void refresh(String projectId, Listing stale, long now) {
        if (!stale.refreshing().compareAndSet(false, true)) {
            return;
        }
        store.list(projectId).whenComplete((endpoints, error) -> {
            if (error != null) {
                stale.refreshing().set(false);
            } else {
                byProject.replace(projectId, stale, new Listing(CompletableFuture.completedFuture(endpoints), now));
            }
        });
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
