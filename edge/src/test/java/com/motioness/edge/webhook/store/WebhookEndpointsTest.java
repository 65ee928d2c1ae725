package com.motioness.edge.webhook.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.DeadLetters;
import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.EndpointSecret;
import com.motioness.edge.webhook.Redelivery;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.edge.webhook.store.WebhookRefusal.Kind;
import com.motioness.protocol.EventType;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookEndpointsTest {
    private static final String URL = "https://hooks.example.com/motioness";

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final List<String> resolvedOn = new CopyOnWriteArrayList<>();
    private final RecordingRedelivery redelivery = new RecordingRedelivery();
    private final MemoryEndpointStore endpointStore = new MemoryEndpointStore();
    private final MemoryDeadLetterStore deadLetters = new MemoryDeadLetterStore();
    private final WebhookEndpoints registry = WebhookEndpoints.builder(
                    endpointStore, deadLetters, redelivery, new TargetPolicy(false, false, host -> {
                        resolvedOn.add(Thread.currentThread().getName());
                        String answer = host.equals("internal.example.com")
                                ? "10.0.0.8"
                                : host.matches("[0-9.]+") ? host : "93.184.216.34";
                        return new InetAddress[] {InetAddress.getByName(answer)};
                    }))
            .clock(new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return Instant.ofEpochMilli(now.get());
                }
            })
            .build();

    /** Records what it is asked to redeliver; fails while {@code failing}. */
    static final class RecordingRedelivery implements Redelivery {
        final List<DeadLetter> redelivered = new CopyOnWriteArrayList<>();
        volatile boolean failing;

        @Override
        public CompletableFuture<Void> redeliver(DeadLetter letter) {
            if (failing) {
                return CompletableFuture.failedFuture(new IllegalStateException("dispatcher away"));
            }
            redelivered.add(letter);
            return CompletableFuture.completedFuture(null);
        }
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    private static Kind refused(CompletableFuture<?> future) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(WebhookRefusal.class, failed.getCause()).kind();
    }

    @Test
    void createsAnEndpointWithIdSecretAndDefaults() throws Exception {
        WebhookEndpoint created = done(registry.create("p1", URL, null));
        assertTrue(created.id().matches("ep_[a-z2-7]{26}"), created.id());
        assertEquals(URL, created.url());
        assertEquals(WebhookEndpoint.DEFAULT_EVENT_TYPES, created.eventTypes());
        assertTrue(created.enabled());
        assertEquals(now.get(), created.createdMs());
        assertEquals(1, created.secrets().size());
        assertTrue(created.secrets().get(0).secret().reveal().startsWith("whsec_"));
        assertEquals(0, created.secrets().get(0).expiresMs());
        assertFalse(resolvedOn.isEmpty());
        assertTrue(
                resolvedOn.stream().allMatch("motioness-webhook-resolve"::equals),
                "resolved on the registry's own threads: " + resolvedOn);
        assertEquals(created.id(), done(registry.get("p1", created.id())).id());
        assertNotEquals(created.id(), done(registry.create("p1", URL, null)).id());
    }

    @Test
    void refusesBadEventTypes() throws Exception {
        assertEquals(Kind.INVALID_EVENT_TYPE, refused(registry.create("p1", URL, List.of("ready", "webhook_failed"))));
        assertEquals(Kind.INVALID_EVENT_TYPE, refused(registry.create("p1", URL, List.of("no_such_type"))));
        assertEquals(Kind.INVALID_EVENT_TYPE, refused(registry.create("p1", URL, List.of())));
        WebhookEndpoint chosen = done(registry.create("p1", URL, List.of("stage_completed", "ready", "ready")));
        assertEquals(Set.of(EventType.STAGE_COMPLETED, EventType.READY), chosen.eventTypes());
    }

    @Test
    void refusesBadUrlsAndInternalTargets() {
        assertEquals(Kind.INVALID_URL, refused(registry.create("p1", "http://hooks.example.com/x", null)));
        assertEquals(Kind.FORBIDDEN_TARGET, refused(registry.create("p1", "https://internal.example.com/x", null)));
        assertEquals(Kind.FORBIDDEN_TARGET, refused(registry.create("p1", "https://169.254.169.254/latest", null)));
    }

    @Test
    void capsEndpointsPerProject() throws Exception {
        for (int i = 0; i < WebhookEndpoints.MAX_PER_PROJECT; i++) {
            done(registry.create("p1", URL, null));
        }
        assertEquals(Kind.TOO_MANY_ENDPOINTS, refused(registry.create("p1", URL, null)));
        done(registry.create("p2", URL, null));
        done(registry.delete("p1", done(registry.list("p1")).get(0).id()));
        done(registry.create("p1", URL, null));
    }

    @Test
    void keepsProjectsApart() throws Exception {
        WebhookEndpoint a = done(registry.create("p1", URL, null));
        assertEquals(Kind.ENDPOINT_NOT_FOUND, refused(registry.get("p2", a.id())));
        assertEquals(Kind.ENDPOINT_NOT_FOUND, refused(registry.setEnabled("p2", a.id(), false)));
        assertEquals(Kind.ENDPOINT_NOT_FOUND, refused(registry.rotate("p2", a.id(), null)));
        assertEquals(Kind.ENDPOINT_NOT_FOUND, refused(registry.delete("p2", a.id())));
        assertEquals(List.of(), done(registry.list("p2")));
        assertTrue(done(registry.get("p1", a.id())).enabled());
    }

    @Test
    void disablesEnablesAndDeletes() throws Exception {
        WebhookEndpoint a = done(registry.create("p1", URL, null));
        assertFalse(done(registry.setEnabled("p1", a.id(), false)).enabled());
        assertFalse(done(registry.get("p1", a.id())).enabled());
        assertTrue(done(registry.setEnabled("p1", a.id(), true)).enabled());
        done(registry.delete("p1", a.id()));
        assertEquals(Kind.ENDPOINT_NOT_FOUND, refused(registry.get("p1", a.id())));
        assertEquals(Kind.ENDPOINT_NOT_FOUND, refused(registry.delete("p1", a.id())));
    }

    @Test
    void rotationKeepsThePreviousSecretForItsGrace() throws Exception {
        WebhookEndpoint a = done(registry.create("p1", URL, null));
        EndpointSecret first = a.secrets().get(0);

        WebhookEndpoints.Rotation rotation = done(registry.rotate("p1", a.id(), null));
        long expires = now.get() + WebhookEndpoints.DEFAULT_GRACE.toMillis();
        assertEquals(expires, rotation.previousExpiresMs());
        assertEquals(
                List.of(new EndpointSecret(rotation.secret(), 0), new EndpointSecret(first.secret(), expires)),
                done(registry.get("p1", a.id())).secrets());
        assertEquals(
                List.of(rotation.secret(), first.secret()),
                done(registry.get("p1", a.id())).signingSecrets(now.get()));

        // After the grace, the next rotation drops the expired secret.
        now.addAndGet(WebhookEndpoints.DEFAULT_GRACE.toMillis() + 1);
        WebhookEndpoints.Rotation second = done(registry.rotate("p1", a.id(), Duration.ofSeconds(60)));
        assertEquals(
                List.of(second.secret(), rotation.secret()),
                done(registry.get("p1", a.id())).secrets().stream()
                        .map(EndpointSecret::secret)
                        .toList());
    }

    @Test
    void rotationGraceIsBoundedAndSecretsCapped() throws Exception {
        WebhookEndpoint a = done(registry.create("p1", URL, null));
        assertEquals(Kind.INVALID_REQUEST, refused(registry.rotate("p1", a.id(), Duration.ofSeconds(-1))));
        assertEquals(
                Kind.INVALID_REQUEST,
                refused(registry.rotate("p1", a.id(), WebhookEndpoints.MAX_GRACE.plusSeconds(1))));
        // Grace 0: the previous secret stops at once and is not kept.
        WebhookEndpoints.Rotation now0 = done(registry.rotate("p1", a.id(), Duration.ZERO));
        assertEquals(1, done(registry.get("p1", a.id())).secrets().size());
        assertEquals(
                now0.secret(), done(registry.get("p1", a.id())).secrets().get(0).secret());
        for (int i = 0; i < 10; i++) {
            done(registry.rotate("p1", a.id(), null));
        }
        assertEquals(
                WebhookEndpoints.MAX_SECRETS,
                done(registry.get("p1", a.id())).secrets().size());
    }

    @Test
    void redeliversOneDeadLetterThroughTheDispatcher() throws Exception {
        deadLetters.add(DeadLetters.of("p1", "msg_a", 1_000));
        deadLetters.add(DeadLetters.of("p1", "msg_b", 2_000));
        assertEquals(2, done(registry.deadLetters("p1", 10)).size());

        assertEquals(Kind.DEAD_LETTER_NOT_FOUND, refused(registry.redeliver("p2", "msg_a")));
        done(registry.redeliver("p1", "msg_a"));
        assertEquals(
                List.of("msg_a"),
                redelivery.redelivered.stream().map(DeadLetter::messageId).toList());
        assertEquals(
                List.of("msg_b"),
                done(registry.deadLetters("p1", 10)).stream()
                        .map(DeadLetter::messageId)
                        .toList());
        assertEquals(Kind.DEAD_LETTER_NOT_FOUND, refused(registry.redeliver("p1", "msg_a")));
    }

    @Test
    void aLetterTheDispatcherCannotQueueStaysDead() throws Exception {
        deadLetters.add(DeadLetters.of("p1", "msg_a", 1_000));
        redelivery.failing = true;
        ExecutionException failed =
                assertThrows(ExecutionException.class, () -> done(registry.redeliver("p1", "msg_a")));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals(
                List.of("msg_a"),
                done(registry.deadLetters("p1", 10)).stream()
                        .map(DeadLetter::messageId)
                        .toList());
    }

    @Test
    void redeliversAllOfAProject() throws Exception {
        for (int i = 0; i < 7; i++) {
            deadLetters.add(DeadLetters.of("p1", "msg_" + i, i));
        }
        deadLetters.add(DeadLetters.of("p2", "msg_other", 1));
        assertEquals(7, done(registry.redeliverAll("p1")));
        assertEquals(7, redelivery.redelivered.size());
        assertEquals(List.of(), done(registry.deadLetters("p1", 10)));
        assertEquals(1, done(registry.deadLetters("p2", 10)).size());
        assertEquals(0, done(registry.redeliverAll("p1")));
    }
}
