package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.webhook.EndpointSecret;
import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.protocol.EventType;
import com.motioness.protocol.webhook.WebhookSecret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** The endpoints of the dispatcher's tests, in memory (helper B ships the real stores). */
final class MemoryEndpoints implements EndpointStore {
    private final Map<String, Map<String, WebhookEndpoint>> byProject = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    /** Registers an endpoint receiving {@code types} at {@code url}, with a new secret. */
    WebhookEndpoint register(String projectId, String url, Set<EventType> types) {
        WebhookEndpoint endpoint = new WebhookEndpoint(
                "ep_test" + next.incrementAndGet(),
                projectId,
                url,
                types,
                true,
                List.of(new EndpointSecret(WebhookSecret.generate(), 0)),
                System.currentTimeMillis());
        put(endpoint).join();
        return endpoint;
    }

    @Override
    public CompletableFuture<List<WebhookEndpoint>> list(String projectId) {
        Map<String, WebhookEndpoint> endpoints = byProject.get(projectId);
        return CompletableFuture.completedFuture(endpoints == null ? List.of() : new ArrayList<>(endpoints.values()));
    }

    @Override
    public CompletableFuture<WebhookEndpoint> get(String projectId, String endpointId) {
        Map<String, WebhookEndpoint> endpoints = byProject.get(projectId);
        return CompletableFuture.completedFuture(endpoints == null ? null : endpoints.get(endpointId));
    }

    @Override
    public CompletableFuture<Void> put(WebhookEndpoint endpoint) {
        byProject
                .computeIfAbsent(endpoint.projectId(), p -> new ConcurrentHashMap<>())
                .put(endpoint.id(), endpoint);
        listeners.forEach(listener -> listener.accept(endpoint.projectId()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> delete(String projectId, String endpointId) {
        Map<String, WebhookEndpoint> endpoints = byProject.get(projectId);
        boolean removed = endpoints != null && endpoints.remove(endpointId) != null;
        listeners.forEach(listener -> listener.accept(projectId));
        return CompletableFuture.completedFuture(removed);
    }

    @Override
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {}
}
