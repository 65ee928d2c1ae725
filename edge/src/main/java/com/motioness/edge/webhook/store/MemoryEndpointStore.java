package com.motioness.edge.webhook.store;

import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.WebhookEndpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The endpoints of embedded mode: in this process's memory, lost at exit. */
public final class MemoryEndpointStore implements EndpointStore {
    /** Oldest first, then by id: the order {@link #list} promises. */
    static final Comparator<WebhookEndpoint> OLDEST_FIRST =
            Comparator.comparingLong(WebhookEndpoint::createdMs).thenComparing(WebhookEndpoint::id);

    private final Map<String, Map<String, WebhookEndpoint>> byProject = new HashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<List<WebhookEndpoint>> list(String projectId) {
        List<WebhookEndpoint> endpoints;
        synchronized (byProject) {
            endpoints =
                    new ArrayList<>(byProject.getOrDefault(projectId, Map.of()).values());
        }
        endpoints.sort(OLDEST_FIRST);
        return CompletableFuture.completedFuture(endpoints);
    }

    @Override
    public CompletableFuture<WebhookEndpoint> get(String projectId, String endpointId) {
        synchronized (byProject) {
            return CompletableFuture.completedFuture(
                    byProject.getOrDefault(projectId, Map.of()).get(endpointId));
        }
    }

    @Override
    public CompletableFuture<Void> put(WebhookEndpoint endpoint) {
        synchronized (byProject) {
            byProject
                    .computeIfAbsent(endpoint.projectId(), project -> new LinkedHashMap<>())
                    .put(endpoint.id(), endpoint);
        }
        changed(endpoint.projectId());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> delete(String projectId, String endpointId) {
        boolean removed;
        synchronized (byProject) {
            Map<String, WebhookEndpoint> endpoints = byProject.get(projectId);
            removed = endpoints != null && endpoints.remove(endpointId) != null;
            if (endpoints != null && endpoints.isEmpty()) {
                byProject.remove(projectId);
            }
        }
        if (removed) {
            changed(projectId);
        }
        return CompletableFuture.completedFuture(removed);
    }

    @Override
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    private void changed(String projectId) {
        for (Consumer<String> listener : listeners) {
            listener.accept(projectId);
        }
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
