package com.motioness.edge.webhook.dispatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dispatcher's small parts: schedule and jitter, message ids, the body, the job's JSON, the breaker. */
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
}
