package com.motioness.edge.webhook.dispatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.LogUnavailableException;
import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.log.ReplayPage;
import com.motioness.edge.log.StreamRef;
import com.motioness.edge.log.embedded.EmbeddedEventLog;
import com.motioness.edge.ring.EventRing;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.Poll;
import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.StoredBatch;
import com.motioness.protocol.webhook.WebhookSignature;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher on the embedded log, with real POSTs to receivers on loopback: signing, body,
 * retries on the schedule, dead letters and redelivery, the breaker, isolation between endpoints,
 * and endpoints that go away.
 */
class EmbeddedDispatchTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PROJECT = "proj-wh";

    private final List<AutoCloseable> open = new ArrayList<>();
    private final MemoryEndpoints endpoints = new MemoryEndpoints();
    private final MemoryDeadLetters deadLetters = new MemoryDeadLetters();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** The events of each append the dispatcher made, as {@link #kinds} says them. */
    private final List<String> appends = new CopyOnWriteArrayList<>();

    private EmbeddedEventLog log;
    private WebhookDispatcher dispatcher;

    private void start(DispatcherSettings settings) {
        start(settings, new AtomicInteger());
    }

    private void start(DispatcherSettings settings, AtomicInteger refusals) {
        AtomicReference<WebhookDispatcher> target = new AtomicReference<>();
        EventRing ring =
                new EventRing(1024, (slot, sequence, endOfBatch) -> target.get().offer(slot));
        log = new EmbeddedEventLog(ring, 10_000, Duration.ofHours(1), Clock.systemUTC());
        dispatcher = WebhookDispatcher.embedded(
                new DispatcherParts(
                        refusing(refusals), endpoints, deadLetters, new JdkTestSender(), Clock.systemUTC(), registry),
                settings);
        target.set(dispatcher);
        dispatcher.start();
        open.add(dispatcher);
        open.add(log);
        open.add(ring);
    }

    /** The log, refusing the next {@code refusals} appends as a log that is away would. */
    private EventLog refusing(AtomicInteger refusals) {
        return new EventLog() {
            @Override
            public CompletableFuture<StoredBatch> append(List<AssetEvent> events, IdempotencyKey key) {
                if (events.get(0).type().isWebhook()) {
                    appends.add(kinds(events));
                }
                return refusals.getAndDecrement() > 0
                        ? CompletableFuture.failedFuture(new LogUnavailableException("away"))
                        : log.append(events, key);
            }

            @Override
            public CompletableFuture<ReplayPage> read(StreamRef stream, EventId after, int limit) {
                return log.read(stream, after, limit);
            }

            @Override
            public CompletableFuture<EventId> cursorBeforeNewest(String projectId, int count) {
                return log.cursorBeforeNewest(projectId, count);
            }

            @Override
            public void close() {}
        };
    }

    private TestReceiver receiver(TestReceiver receiver) {
        open.add(0, receiver);
        return receiver;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private EventId post(EventType type, String asset) {
        return log.append(List.of(Events.of(type, PROJECT, asset))).join().get(0);
    }

    /** An endpoint answering 500 to everything, and five events for it. */
    private TestReceiver failingEndpointOfFiveEvents(String assetPrefix) throws Exception {
        TestReceiver receiver = receiver(TestReceiver.answering(500));
        endpoints.register(PROJECT, receiver.url(), Set.of(EventType.READY));
        for (int i = 0; i < 5; i++) {
            post(EventType.READY, assetPrefix + i);
        }
        return receiver;
    }

    private List<AssetEvent> projectEvents() {
        List<AssetEvent> events = new ArrayList<>();
        for (LoggedEvent event :
                log.read(StreamRef.project(PROJECT), null, 1000).join().events()) {
            try {
                events.add(EventJson.decode(event.json()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return events;
    }

    private List<AssetEvent> webhookEvents() {
        return projectEvents().stream().filter(e -> e.type().isWebhook()).toList();
    }

    private static String kinds(List<AssetEvent> events) {
        StringBuilder kinds = new StringBuilder();
        for (AssetEvent event : events) {
            kinds.append(event.type().wireName().replace("webhook_", ""))
                    .append('/')
                    .append(event.attempt())
                    .append(event.errorCode() != null ? "/" + event.errorCode() : "")
                    .append(' ');
        }
        return kinds.toString().trim();
    }

    @Test
    void anEventArrivesSignedWithItsIdFirstAndItsAttemptIsRecorded() throws Exception {
        start(TestSettings.withDelays(0, 100, 100, 100, 100));
        TestReceiver receiver = receiver(TestReceiver.answering(204));
        WebhookEndpoint endpoint = endpoints.register(PROJECT, receiver.url(), Set.of(EventType.READY));

        EventId id = post(EventType.READY, "a1");
        Poll.until(() -> receiver.received().size() == 1, WAIT, "the delivery");
        Poll.until(() -> webhookEvents().size() == 2, WAIT, "dispatched and delivered");

        TestReceiver.Received delivery = receiver.received().get(0);
        String messageId = delivery.header(WebhookSignature.ID_HEADER);
        assertEquals(MessageIds.of(endpoint.id(), "a1", id), messageId);
        long timestamp = Long.parseLong(delivery.header(WebhookSignature.TIMESTAMP_HEADER));
        assertTrue(Math.abs(timestamp - System.currentTimeMillis() / 1000) < 5, "timestamp in seconds");
        assertEquals(
                WebhookSignature.sign(endpoint.secrets().get(0).secret(), messageId, timestamp, delivery.body()),
                delivery.header(WebhookSignature.SIGNATURE_HEADER));
        assertEquals("application/json", delivery.header("content-type"));
        String stored = new String(
                log.read(StreamRef.project(PROJECT), null, 1)
                        .join()
                        .events()
                        .get(0)
                        .json(),
                StandardCharsets.UTF_8);
        assertEquals(
                "{\"id\":\"" + id + "\"," + stored.substring(1), new String(delivery.body(), StandardCharsets.UTF_8));

        List<AssetEvent> events = webhookEvents();
        assertEquals("dispatched/1 delivered/1", kinds(events));
        assertEquals(List.of("dispatched/1 delivered/1"), appends, "a quick attempt's events go in one append");
        assertEquals(messageId, events.get(0).requestId());
        assertEquals(messageId, events.get(1).requestId());
        assertTrue(events.get(1).hasLatencyMs(), "delivered carries latency_ms");
        assertEquals("a1", events.get(1).assetId());
        String metrics = scrape();
        assertTrue(metrics.contains("motioness_webhook_attempts_total{outcome=\"delivered\"} 1"), metrics);
        assertTrue(metrics.contains("motioness_webhook_event_to_delivery_seconds_count 1"), metrics);
    }

    private String scrape() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create()
                .write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.DEFAULT);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSlowAttemptShowsItsDispatchedEventBeforeItsOutcome() throws Exception {
        start(TestSettings.withDelays(0, 60_000, 60_000, 60_000, 60_000));
        TestReceiver receiver = receiver(TestReceiver.answering(0));
        endpoints.register(PROJECT, receiver.url(), Set.of(EventType.READY));

        post(EventType.READY, "a1");
        Poll.until(() -> receiver.received().size() == 1, WAIT, "the attempt");
        Poll.until(() -> webhookEvents().size() == 1, WAIT, "webhook_dispatched on its own");
        long seen = System.currentTimeMillis();
        assertEquals("dispatched/1", kinds(webhookEvents()));
        // The receiver hangs: the 1 s timeout, not the dispatched event, ends the attempt.
        assertTrue(seen - receiver.received().get(0).atMs() < 900, "dispatched shown while the attempt runs");
        Poll.until(() -> webhookEvents().size() == 2, WAIT, "the outcome");
        assertEquals("dispatched/1 failed/1/TIMEOUT", kinds(webhookEvents()));
        assertEquals(List.of("dispatched/1", "failed/1/TIMEOUT"), appends);
    }

    @Test
    void heldJobsOlderThanTheScheduleAreDeadLetteredAsEndpointParked() throws Exception {
        // Span 200 ms, cool-down 300 ms: the jobs held by the parking outlive the schedule.
        start(TestSettings.withDelays(0, 50, 50, 50, 50));
        TestReceiver receiver = failingEndpointOfFiveEvents("a");
        Poll.until(() -> deadLetters.list(PROJECT, 10).join().size() == 5, WAIT, "five dead letters");
        for (DeadLetter letter : deadLetters.list(PROJECT, 10).join()) {
            assertEquals("ENDPOINT_PARKED", letter.errorCode(), letter.toString());
        }
        // Five first attempts, and one probe at most: a job held past the schedule's span goes no more.
        int sent = receiver.received().size();
        assertTrue(sent == 5 || sent == 6, sent + " requests");
        Poll.until(
                () -> webhookEvents().stream()
                                .filter(e -> e.type() == EventType.WEBHOOK_DEAD_LETTER)
                                .count()
                        == 5,
                WAIT,
                "five dead_letter events");
        assertTrue(String.valueOf(scrape()).contains("motioness_webhook_dead_letters_total 5"), "counted");
    }

    @Test
    void anAttemptWhoseEventTheLogCouldNotTakeIsMadeAgainAfterItsLease() throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        start(TestSettings.withDelays(0, 60_000, 60_000, 60_000, 60_000), refusals);
        TestReceiver receiver = receiver(TestReceiver.answering(200));
        endpoints.register(PROJECT, receiver.url(), Set.of(EventType.READY));

        refusals.set(1);
        long posted = System.currentTimeMillis();
        post(EventType.READY, "a1");
        Poll.until(() -> receiver.received().size() == 2, WAIT, "the attempt made again");
        assertTrue(receiver.received().get(1).atMs() - posted >= 1400, "after the 1.5 s lease");
        assertEquals(
                receiver.received().get(0).header(WebhookSignature.ID_HEADER),
                receiver.received().get(1).header(WebhookSignature.ID_HEADER));
        Poll.until(() -> webhookEvents().size() == 2, WAIT, "its events");
        assertEquals("dispatched/1 delivered/1", kinds(webhookEvents()));
    }

    @Test
    void failedAttemptsAreRetriedOnTheScheduleUnderOneWebhookId() throws Exception {
        start(TestSettings.withDelays(0, 150, 250, 350, 450));
        TestReceiver receiver = receiver(TestReceiver.scripted(n -> n <= 3 ? 503 : 200));
        endpoints.register(PROJECT, receiver.url(), Set.of(EventType.READY));

        post(EventType.READY, "a1");
        Poll.until(() -> receiver.received().size() == 4, WAIT, "four attempts");
        Poll.until(() -> webhookEvents().size() == 8, WAIT, "the events of four attempts");

        List<TestReceiver.Received> got = receiver.received();
        String messageId = got.get(0).header(WebhookSignature.ID_HEADER);
        long[] delays = {150, 250, 350};
        for (int i = 1; i < 4; i++) {
            assertEquals(messageId, got.get(i).header(WebhookSignature.ID_HEADER), "same webhook-id");
            long gap = got.get(i).atMs() - got.get(i - 1).atMs();
            assertTrue(
                    gap >= delays[i - 1] - 5 && gap < delays[i - 1] + 250,
                    "attempt " + (i + 1) + " came " + gap + " ms after the last, scheduled " + delays[i - 1]);
        }
        assertEquals(
                "dispatched/1 failed/1/HTTP_503 dispatched/2 failed/2/HTTP_503 dispatched/3 failed/3/HTTP_503"
                        + " dispatched/4 delivered/4",
                kinds(webhookEvents()));
    }

    @Test
    void fiveFailuresDeadLetterTheDeliveryAndARedeliverySendsItAgain() throws Exception {
        start(TestSettings.withDelays(0, 20, 20, 20, 20));
        TestReceiver receiver = receiver(TestReceiver.answering(500));
        WebhookEndpoint endpoint = endpoints.register(PROJECT, receiver.url(), Set.of(EventType.READY));

        post(EventType.READY, "a1");
        Poll.until(() -> deadLetters.list(PROJECT, 10).join().size() == 1, WAIT, "the dead letter");
        assertEquals(5, receiver.received().size());
        String kinds = kinds(webhookEvents());
        assertTrue(kinds.endsWith("dispatched/5 failed/5/HTTP_500 dead_letter/5/HTTP_500"), kinds);
        DeadLetter letter = deadLetters.list(PROJECT, 10).join().get(0);
        assertEquals(5, letter.attempts());
        assertEquals("HTTP_500", letter.errorCode());
        assertEquals(endpoint.id(), letter.endpointId());
        assertTrue(letter.errorMsg().contains(endpoint.id()), letter.errorMsg());
        assertArrayEquals(receiver.received().get(0).body(), letter.body());

        receiver.answer(n -> 200);
        DeadLetter taken = deadLetters.take(PROJECT, letter.messageId()).join();
        dispatcher.redelivery().redeliver(taken).join();
        Poll.until(() -> receiver.received().size() == 6, WAIT, "the redelivery");
        assertEquals(letter.messageId(), receiver.received().get(5).header(WebhookSignature.ID_HEADER));
        Poll.until(() -> kinds(webhookEvents()).endsWith("dispatched/1 delivered/1"), WAIT, "the redelivery's events");
    }

    @Test
    void theBreakerParksAnEndpointHoldsItsJobsProbesAndResumes() throws Exception {
        // Retries far away: only first attempts, held jobs and probes reach the receiver here.
        start(TestSettings.withDelays(0, 60_000, 60_000, 60_000, 60_000));
        TestReceiver receiver = failingEndpointOfFiveEvents("fail-");
        Poll.until(
                () -> webhookEvents().stream()
                                .filter(e -> e.type() == EventType.WEBHOOK_FAILED)
                                .count()
                        == 5,
                WAIT,
                "five failed attempts");
        long parkedAt = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            post(EventType.READY, "held-" + i);
        }
        Poll.until(() -> receiver.received().size() >= 6, WAIT, "the probe");
        assertTrue(System.currentTimeMillis() - parkedAt >= 250, "nothing is sent during the 300 ms cool-down");
        long probedAt = System.currentTimeMillis();
        Thread.sleep(100);
        assertEquals(6, receiver.received().size(), "one probe, the other held jobs wait for its outcome");

        receiver.answer(n -> 200);
        // The failed probe parked the endpoint for 600 ms; the next probe succeeds and the rest follow.
        Poll.until(() -> receiver.received().size() == 8, WAIT, "the held jobs after a successful probe");
        assertTrue(System.currentTimeMillis() - probedAt >= 500, "the second cool-down is doubled");
        // The failed probe's job waits for its own retry (a minute away); the other two went as attempt 1.
        Poll.until(() -> delivered().size() == 2, WAIT, "two delivered");
        for (AssetEvent event : delivered()) {
            assertTrue(event.assetId().startsWith("held-"), event.assetId());
            assertEquals(1, event.attempt(), "holding does not count attempts");
        }
        assertEquals(
                6,
                webhookEvents().stream()
                        .filter(e -> e.type() == EventType.WEBHOOK_FAILED)
                        .count());
    }

    private List<AssetEvent> delivered() {
        return webhookEvents().stream()
                .filter(e -> e.type() == EventType.WEBHOOK_DELIVERED)
                .toList();
    }

    @Test
    void aHangingEndpointDoesNotDelayAnother() throws Exception {
        start(TestSettings.withDelays(0, 60_000, 60_000, 60_000, 60_000)
                .withTimeout(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        TestReceiver hanging = receiver(TestReceiver.answering(0));
        TestReceiver healthy = receiver(TestReceiver.answering(200));
        endpoints.register(PROJECT, healthy.url(), Set.of(EventType.READY));
        // Warms the client and the receiver, so what is measured below is the dispatcher.
        post(EventType.READY, "warm");
        Poll.until(() -> healthy.received().size() == 1, WAIT, "the warm-up delivery");
        endpoints.register(PROJECT, hanging.url(), Set.of(EventType.READY));

        List<EventId> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(post(EventType.READY, "a" + i));
        }
        Poll.until(() -> healthy.received().size() == 41, WAIT, "the healthy endpoint's deliveries");
        long worst = 0;
        for (int i = 0; i < 40; i++) {
            worst = Math.max(
                    worst, healthy.received().get(i + 1).atMs() - ids.get(i).ms());
        }
        // An endpoint that shared anything with the hanging one would wait for its 1 s timeouts.
        assertTrue(worst < 500, "the healthy endpoint's slowest delivery took " + worst + " ms");
        assertTrue(
                hanging.received().size() <= 16,
                "at most 16 in flight to one endpoint: " + hanging.received().size());
    }

    @Test
    void jobsOfADisabledOrDeletedEndpointAreDroppedAndWebhookEventsNeverDelivered() throws Exception {
        start(TestSettings.withDelays(0, 200, 200, 200, 200));
        TestReceiver receiver = receiver(TestReceiver.answering(500));
        WebhookEndpoint disabled = endpoints.register(PROJECT, receiver.url(), Set.of(EventType.READY));
        TestReceiver other = receiver(TestReceiver.answering(500));
        WebhookEndpoint deleted = endpoints.register(PROJECT, other.url(), Set.of(EventType.READY));

        post(EventType.READY, "a1");
        Poll.until(() -> receiver.received().size() == 1 && other.received().size() == 1, WAIT, "first attempts");
        endpoints.put(disabled.withEnabled(false)).join();
        endpoints.delete(PROJECT, deleted.id()).join();
        post(EventType.WEBHOOK_FAILED, "a1");
        Poll.until(
                () -> dispatcher.working() == 0
                        && ((MemoryJobQueue) queueOf()).counts().join()[0] == 0,
                WAIT,
                "the retries dropped");
        Thread.sleep(300);
        assertEquals(1, receiver.received().size(), "no retry to a disabled endpoint");
        assertEquals(1, other.received().size(), "no retry to a deleted endpoint");
    }

    private JobQueue queueOf() {
        return dispatcher.queueForTest();
    }
}
