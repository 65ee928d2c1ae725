package com.motioness.edge.webhook.store;

import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.DeadLetterStore;
import com.motioness.edge.webhook.EndpointSecret;
import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.Redelivery;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.edge.webhook.store.WebhookRefusal.Kind;
import com.motioness.protocol.EventType;
import com.motioness.protocol.webhook.WebhookSecret;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The registry the endpoint API calls: creates, lists, enables and disables, rotates and deletes a
 * project's endpoints, and lists and redelivers its dead letters. Every future completes on any
 * thread; a refused request fails it with a {@link WebhookRefusal}. A URL's host is resolved on
 * an executor of its own, never on the caller's thread (an event loop).
 *
 * <p>Changes are read, changed and written back: two changes of one endpoint at the same moment
 * may lose one, and the cap of {@value #MAX_PER_PROJECT} endpoints is checked before the write,
 * so creations racing on several nodes may pass it by a few. Both are acceptable for an API a
 * project's operator calls by hand or from a deploy script.
 */
public final class WebhookEndpoints implements AutoCloseable {
    /** The most endpoints a project may have. */
    public static final int MAX_PER_PROJECT = 50;
    /** How long a rotated-out secret keeps signing, unless the request says. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
    /** The longest grace a rotation may ask. */
    public static final Duration MAX_GRACE = Duration.ofDays(7);
    /** The most secrets an endpoint keeps (the current one and those in grace): each signs every delivery. */
    static final int MAX_SECRETS = 5;

    private final EndpointStore endpoints;
    private final DeadLetterStore deadLetters;
    private final Redelivery redelivery;
    private final TargetPolicy policy;
    private final Clock clock;
    private final Duration defaultGrace;
    private final Executor resolve;
    private final ExecutorService ownResolver;

    private WebhookEndpoints(Builder b) {
        this.endpoints = b.endpoints;
        this.deadLetters = b.deadLetters;
        this.redelivery = b.redelivery;
        this.policy = b.policy;
        this.clock = b.clock;
        this.defaultGrace = b.defaultGrace;
        if (b.resolve != null) {
            this.resolve = b.resolve;
            this.ownResolver = null;
        } else {
            // Registration is rare: two threads resolve names for all of it.
            this.ownResolver = Executors.newFixedThreadPool(2, runnable -> {
                Thread thread = new Thread(runnable, "motioness-webhook-resolve");
                thread.setDaemon(true);
                return thread;
            });
            this.resolve = ownResolver;
        }
    }

    /** A registry over these stores; the dispatcher is its {@link Redelivery}. */
    public static Builder builder(
            EndpointStore endpoints, DeadLetterStore deadLetters, Redelivery redelivery, TargetPolicy policy) {
        return new Builder(endpoints, deadLetters, redelivery, policy);
    }

    /** The registry's parts; the clock, the default grace and the resolving executor have defaults. */
    public static final class Builder {
        private final EndpointStore endpoints;
        private final DeadLetterStore deadLetters;
        private final Redelivery redelivery;
        private final TargetPolicy policy;
        private Clock clock = Clock.systemUTC();
        private Duration defaultGrace = DEFAULT_GRACE;
        private Executor resolve;

        private Builder(
                EndpointStore endpoints, DeadLetterStore deadLetters, Redelivery redelivery, TargetPolicy policy) {
            this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
            this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
            this.redelivery = Objects.requireNonNull(redelivery, "redelivery");
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** How long a rotated-out secret keeps signing when the request names no grace. */
        public Builder rotationGrace(Duration grace) {
            this.defaultGrace = checkGrace(grace);
            return this;
        }

        /** Where URL hosts are resolved (blocking); by default two threads of the registry's own. */
        public Builder resolveOn(Executor executor) {
            this.resolve = Objects.requireNonNull(executor);
            return this;
        }

        public WebhookEndpoints build() {
            return new WebhookEndpoints(this);
        }
    }

    /** A rotation's outcome: the endpoint, its new secret, and when the previous one stops signing. */
    public record Rotation(WebhookEndpoint endpoint, WebhookSecret secret, long previousExpiresMs) {
        @Override
        public String toString() {
            return "Rotation[" + endpoint + " previousExpiresMs=" + previousExpiresMs + "]";
        }
    }

    /**
     * Registers an endpoint with a new secret ({@code endpoint.secrets().get(0)}).
     *
     * @param eventTypes wire names, or null for {@link WebhookEndpoint#DEFAULT_EVENT_TYPES}
     */
    public CompletableFuture<WebhookEndpoint> create(String projectId, String url, List<String> eventTypes) {
        Set<EventType> types;
        try {
            types = eventTypes(eventTypes);
            policy.parse(url);
        } catch (WebhookRefusal refusal) {
            return CompletableFuture.failedFuture(refusal);
        }
        return endpoints
                .list(projectId)
                .thenCompose(existing -> {
                    if (existing.size() >= MAX_PER_PROJECT) {
                        throw new WebhookRefusal(
                                Kind.TOO_MANY_ENDPOINTS,
                                "project " + projectId + " has " + MAX_PER_PROJECT + " endpoints, the most allowed");
                    }
                    return CompletableFuture.supplyAsync(() -> policy.check(url), resolve);
                })
                .thenCompose(checked -> {
                    WebhookEndpoint endpoint = new WebhookEndpoint(
                            EndpointIds.next(),
                            projectId,
                            url,
                            types,
                            true,
                            List.of(new EndpointSecret(WebhookSecret.generate(), 0)),
                            clock.millis());
                    return endpoints.put(endpoint).thenApply(stored -> endpoint);
                });
    }

    private static Set<EventType> eventTypes(List<String> names) {
        if (names == null) {
            return WebhookEndpoint.DEFAULT_EVENT_TYPES;
        }
        if (names.isEmpty()) {
            throw new WebhookRefusal(Kind.INVALID_EVENT_TYPE, "event_types must name at least one event type");
        }
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (String name : names) {
            EventType type = EventType.ofWireName(name);
            if (type == null) {
                throw new WebhookRefusal(Kind.INVALID_EVENT_TYPE, "event_types: no event type is named " + name);
            }
            if (type.isWebhook()) {
                throw new WebhookRefusal(
                        Kind.INVALID_EVENT_TYPE,
                        "event_types: " + name + " cannot be delivered by webhook (a delivery would trigger another)");
            }
            types.add(type);
        }
        return types;
    }

    /** A project's endpoints, oldest first. */
    public CompletableFuture<List<WebhookEndpoint>> list(String projectId) {
        return endpoints.list(projectId);
    }

    /** One endpoint; {@code ENDPOINT_NOT_FOUND} when the project has none with this id. */
    public CompletableFuture<WebhookEndpoint> get(String projectId, String endpointId) {
        return endpoints.get(projectId, endpointId).thenApply(endpoint -> found(endpoint, projectId, endpointId));
    }

    /** Turns an endpoint on or off; the endpoint as stored. */
    public CompletableFuture<WebhookEndpoint> setEnabled(String projectId, String endpointId, boolean enabled) {
        return change(projectId, endpointId, endpoint -> endpoint.withEnabled(enabled));
    }

    /**
     * Gives an endpoint a new secret. The current one keeps signing for {@code grace} (null: the
     * default), so receivers can switch; secrets whose grace has ended are dropped.
     */
    public CompletableFuture<Rotation> rotate(String projectId, String endpointId, Duration grace) {
        Duration keep;
        try {
            keep = grace == null ? defaultGrace : checkGrace(grace);
        } catch (WebhookRefusal refusal) {
            return CompletableFuture.failedFuture(refusal);
        }
        long now = clock.millis();
        long previousExpires = now + keep.toMillis();
        WebhookSecret fresh = WebhookSecret.generate();
        return change(
                        projectId,
                        endpointId,
                        endpoint -> endpoint.withSecrets(rotated(endpoint, fresh, now, previousExpires)))
                .thenApply(endpoint -> new Rotation(endpoint, fresh, previousExpires));
    }

    private static List<EndpointSecret> rotated(WebhookEndpoint endpoint, WebhookSecret fresh, long now, long expires) {
        List<EndpointSecret> secrets = new ArrayList<>(MAX_SECRETS);
        secrets.add(new EndpointSecret(fresh, 0));
        for (EndpointSecret secret : endpoint.secrets()) {
            EndpointSecret kept = secret.expiresMs() == 0 ? new EndpointSecret(secret.secret(), expires) : secret;
            if (kept.expiresMs() > now && secrets.size() < MAX_SECRETS) {
                secrets.add(kept);
            }
        }
        return secrets;
    }

    private static Duration checkGrace(Duration grace) {
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw new WebhookRefusal(
                    Kind.INVALID_REQUEST, "grace_seconds must be 0 to " + MAX_GRACE.toSeconds() + " seconds");
        }
        return grace;
    }

    /** Removes an endpoint; {@code ENDPOINT_NOT_FOUND} when the project has none with this id. */
    public CompletableFuture<Void> delete(String projectId, String endpointId) {
        return endpoints.delete(projectId, endpointId).thenAccept(removed -> {
            if (!removed) {
                throw notFound(projectId, endpointId);
            }
        });
    }

    /** A project's dead letters, oldest first, at most {@code limit}. */
    public CompletableFuture<List<DeadLetter>> deadLetters(String projectId, int limit) {
        return deadLetters.list(projectId, limit);
    }

    /**
     * Sends one dead letter again with a fresh budget of attempts: it leaves the dead letters, and
     * comes back if the dispatcher cannot queue it. {@code DEAD_LETTER_NOT_FOUND} when the project
     * has none with this id.
     */
    public CompletableFuture<Void> redeliver(String projectId, String messageId) {
        return deadLetters.take(projectId, messageId).thenCompose(letter -> {
            if (letter == null) {
                throw new WebhookRefusal(
                        Kind.DEAD_LETTER_NOT_FOUND, "project " + projectId + " has no dead letter " + messageId);
            }
            return requeue(letter);
        });
    }

    /** Sends every dead letter of a project again (up to the store's bound); how many were queued. */
    public CompletableFuture<Integer> redeliverAll(String projectId) {
        return deadLetters.list(projectId, RedisDeadLetterStore.MAX_PER_PROJECT).thenCompose(letters -> {
            List<CompletableFuture<Integer>> queued = new ArrayList<>(letters.size());
            for (DeadLetter listed : letters) {
                // Taken one by one: a letter another caller took meanwhile is not sent twice.
                queued.add(deadLetters
                        .take(projectId, listed.messageId())
                        .thenCompose(letter -> letter == null
                                ? CompletableFuture.completedFuture(0)
                                : requeue(letter).thenApply(done -> 1)));
            }
            return CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new))
                    .thenApply(all ->
                            queued.stream().mapToInt(CompletableFuture::join).sum());
        });
    }

    private CompletableFuture<Void> requeue(DeadLetter letter) {
        return redelivery.redeliver(letter).handle((queued, error) -> error).thenCompose(error -> {
            if (error == null) {
                return CompletableFuture.completedFuture(null);
            }
            // Not queued: it goes back among the dead letters rather than being lost.
            return deadLetters.add(letter).thenCompose(back -> CompletableFuture.<Void>failedFuture(error));
        });
    }

    private CompletableFuture<WebhookEndpoint> change(
            String projectId, String endpointId, java.util.function.UnaryOperator<WebhookEndpoint> change) {
        return get(projectId, endpointId).thenCompose(endpoint -> {
            WebhookEndpoint changed = change.apply(endpoint);
            return endpoints.put(changed).thenApply(stored -> changed);
        });
    }

    private static WebhookEndpoint found(WebhookEndpoint endpoint, String projectId, String endpointId) {
        if (endpoint == null) {
            throw notFound(projectId, endpointId);
        }
        return endpoint;
    }

    private static WebhookRefusal notFound(String projectId, String endpointId) {
        return new WebhookRefusal(Kind.ENDPOINT_NOT_FOUND, "project " + projectId + " has no endpoint " + endpointId);
    }

    @Override
    public void close() {
        if (ownResolver != null) {
            ownResolver.shutdownNow();
        }
    }
}
