package com.motioness.edge.webhook.dispatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.webhook.EndpointSecret;
import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import com.motioness.protocol.webhook.WebhookSecret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The dispatcher's small parts: schedule and jitter, message ids, the body, the job's JSON, the breaker, the endpoint cache. */
class DispatchPartsTest {

    @Test
    void theScheduleJittersEachDelayWithinItsFractionAndNeverBelowZero() {
        List<Duration> delays = List.of(Duration.ZERO, Duration.ofSeconds(30), Duration.ofMinutes(5));
        RetrySchedule low = new RetrySchedule(delays, 0.2, () -> 0.0);
        RetrySchedule high = new RetrySchedule(delays, 0.2, () -> 0.999_999);
        RetrySchedule middle = new RetrySchedule(delays, 0.2, () -> 0.5);
        assertEquals(3, middle.attempts());
        assertEquals(Duration.ZERO, low.delayBefore(1));
        assertEquals(Duration.ofSeconds(24), low.delayBefore(2));
        assertEquals(Duration.ofSeconds(30), middle.delayBefore(2));
        assertTrue(
                high.delayBefore(3).toMillis() <= 360_000 && high.delayBefore(3).toMillis() > 359_000);
        assertEquals(Duration.ofSeconds(330), middle.span());
        assertEquals(5, new RetrySchedule(RetrySchedule.DEFAULT_DELAYS, 0.2, Math::random).attempts());
    }

    @Test
    void aMessageIdIsStableAndNamesEndpointAssetAndEvent() {
        EventId event = new EventId(1_700_000_000_000L, 3);
        String id = MessageIds.of("ep_a", "asset-1", event);
        assertTrue(id.matches("msg_[a-z2-7]{26}"), id);
        assertEquals(id, MessageIds.of("ep_a", "asset-1", new EventId(1_700_000_000_000L, 3)));
        assertNotEquals(id, MessageIds.of("ep_b", "asset-1", event));
        assertNotEquals(id, MessageIds.of("ep_a", "asset-2", event));
        assertNotEquals(id, MessageIds.of("ep_a", "asset-1", new EventId(1_700_000_000_000L, 4)));
        // NUL separates the parts: moving a character across the boundary changes the id.
        assertNotEquals(MessageIds.of("ep_a1", "x", event), MessageIds.of("ep_a", "1x", event));
    }

    @Test
    void theBodyIsTheEventWithItsSseIdFirst() {
        byte[] json = "{\"type\":\"ready\",\"asset_id\":\"a\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(
                "{\"id\":\"1700\",\"type\":\"ready\",\"asset_id\":\"a\"}",
                new String(WebhookJob.bodyOf(new EventId(1700, 0), json), StandardCharsets.UTF_8));
        assertEquals(
                "{\"id\":\"1700-2\",\"type\":\"ready\",\"asset_id\":\"a\"}",
                new String(WebhookJob.bodyOf(new EventId(1700, 2), json), StandardCharsets.UTF_8));
    }

    @Test
    void aJobSurvivesItsJson() {
        byte[] json = "{\"type\":\"ready\",\"msg\":\"é \\\"q\\\"\"}".getBytes(StandardCharsets.UTF_8);
        WebhookJob job = WebhookJob.of(
                        "ep_a", new TakenEvent(new EventId(1700, 2), EventType.READY, "proj", "asset-1", json), 1234)
                .failed("HTTP_503", "endpoint ep_a: HTTP 503");
        WebhookJob back = WebhookJobCodec.decode(WebhookJobCodec.encode(job));
        assertEquals(job.messageId(), back.messageId());
        assertEquals(job.endpointId(), back.endpointId());
        assertEquals(job.projectId(), back.projectId());
        assertEquals(job.assetId(), back.assetId());
        assertEquals(job.eventId(), back.eventId());
        assertEquals(job.eventType(), back.eventType());
        assertArrayEquals(job.body(), back.body());
        assertEquals(2, back.attempt());
        assertEquals(1234, back.firstAttemptMs());
        assertEquals("HTTP_503", back.lastErrorCode());
        assertEquals("endpoint ep_a: HTTP 503", back.lastErrorMsg());
    }

    @Test
    void theBreakerParksAfterTheThresholdProbesOnceAndDoublesItsCoolDown() {
        EndpointBreaker breaker = new EndpointBreaker(3, 100, 250);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, breaker.holdOrStart(0));
            breaker.record(false, 0);
        }
        assertTrue(breaker.parked());
        assertEquals(100, breaker.holdOrStart(50), "held to the end of the parking");
        assertEquals(0, breaker.holdOrStart(100), "the probe goes");
        assertTrue(breaker.holdOrStart(100) > 100, "the others wait for the probe");
        breaker.record(false, 110);
        assertEquals(310, breaker.holdOrStart(120), "parked again for twice as long");
        assertEquals(0, breaker.holdOrStart(310));
        breaker.record(false, 310);
        assertEquals(560, breaker.holdOrStart(320), "doubled up to the maximum");
        assertEquals(0, breaker.holdOrStart(560));
        breaker.record(true, 570);
        assertEquals(0, breaker.holdOrStart(570), "a successful probe closes it");
        assertTrue(!breaker.parked());
    }

    @Test
    void aProbeNeverSentHandsTheProbeToTheNextAttempt() {
        EndpointBreaker breaker = new EndpointBreaker(1, 100, 1000);
        breaker.record(false, 0);
        assertEquals(0, breaker.holdOrStart(100), "the probe goes");
        assertTrue(breaker.probing());
        assertTrue(breaker.holdOrStart(101) > 101, "the others wait for the probe");
        breaker.probeNotMade(102);
        assertEquals(0, breaker.holdOrStart(102), "the next attempt probes");
        assertTrue(breaker.probing());
        breaker.record(true, 110);
        assertTrue(!breaker.parked());
    }

    /** A store whose listings the test completes, and that never passes a change notice on. */
    private static final class HeldListings implements EndpointStore {
        final List<CompletableFuture<List<WebhookEndpoint>>> listings = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<List<WebhookEndpoint>> list(String projectId) {
            CompletableFuture<List<WebhookEndpoint>> listing = new CompletableFuture<>();
            listings.add(listing);
            return listing;
        }

        @Override
        public CompletableFuture<WebhookEndpoint> get(String projectId, String endpointId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> put(WebhookEndpoint endpoint) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Boolean> delete(String projectId, String endpointId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void onChange(Consumer<String> listener) {}

        @Override
        public void close() {}
    }

    @Test
    void anOldListingIsAnsweredWhileItIsListedAgainInTheBackground() throws Exception {
        HeldListings store = new HeldListings();
        EndpointCache cache = new EndpointCache(store, TimeUnit.MILLISECONDS.toNanos(50));
        List<WebhookEndpoint> first = List.of();
        List<WebhookEndpoint> second = List.of(endpoint("ep_new"));

        CompletableFuture<List<WebhookEndpoint>> listing = cache.of("p");
        assertEquals(1, store.listings.size());
        assertTrue(!listing.isDone(), "the first listing is waited for");
        store.listings.get(0).complete(first);
        assertEquals(first, cache.of("p").join());
        assertEquals(1, store.listings.size(), "a young listing is answered from the cache");

        Thread.sleep(60);
        CompletableFuture<List<WebhookEndpoint>> stale = cache.of("p");
        assertTrue(stale.isDone(), "an old listing is answered at once");
        assertEquals(first, stale.join());
        cache.of("p");
        assertEquals(2, store.listings.size(), "and listed again once, in the background");

        store.listings.get(1).completeExceptionally(new IllegalStateException("store away"));
        assertEquals(first, cache.of("p").join(), "a failed listing leaves the old one");
        assertEquals(3, store.listings.size(), "and the next event tries again");
        store.listings.get(2).complete(second);
        assertEquals(second, cache.of("p").join(), "the new listing replaces the old one");
    }

    private static WebhookEndpoint endpoint(String id) {
        return new WebhookEndpoint(
                id,
                "p",
                "https://hooks.example.com/a",
                Set.of(EventType.READY),
                true,
                List.of(new EndpointSecret(WebhookSecret.generate(), 0)),
                0);
    }
}
