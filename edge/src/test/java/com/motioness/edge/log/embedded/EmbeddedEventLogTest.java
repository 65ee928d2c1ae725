package com.motioness.edge.log.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.log.LogUnavailableException;
import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.log.ReplayPage;
import com.motioness.edge.log.StreamRef;
import com.motioness.edge.ring.EventRing;
import com.motioness.edge.support.Events;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The embedded log: ids, paging, ownership, and retention by count and by age. */
class EmbeddedEventLogTest {
    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        volatile long millis = 1_764_300_000_000L;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private final ManualClock clock = new ManualClock();
    private EventRing ring = new EventRing(1024, (slot, sequence, endOfBatch) -> slot.clear());
    private EmbeddedEventLog log = new EmbeddedEventLog(ring, 4, Duration.ofMinutes(10), clock);

    @AfterEach
    void close() {
        log.close();
        ring.close();
    }

    private EventId append(String project, String asset) throws Exception {
        return log.append(List.of(Events.of(EventType.STAGE_STARTED, project, asset)))
                .get()
                .get(0);
    }

    @Test
    void idsFollowTheClockAndNeverGoBack() throws Exception {
        assertEquals("1764300000000", append("p", "a").toString());
        assertEquals("1764300000000-1", append("p", "a").toString());
        clock.millis += 5;
        assertEquals("1764300000005", append("p", "a").toString());
        clock.millis -= 1000;
        assertEquals("1764300000005-1", append("p", "a").toString(), "a clock step back does not reorder ids");
    }

    @Test
    void readPagesAfterACursor() throws Exception {
        log.close();
        log = new EmbeddedEventLog(ring, 100, Duration.ofMinutes(10), clock);
        for (int i = 0; i < 10; i++) {
            append("p", "a");
            clock.millis++;
        }
        ReplayPage first = log.read(StreamRef.asset("a"), null, 4).get();
        assertEquals(4, first.events().size());
        assertTrue(first.more());
        assertEquals("p", first.ownerProjectId());
        LoggedEvent last = first.events().get(3);
        ReplayPage second = log.read(StreamRef.asset("a"), last.id(), 100).get();
        assertEquals(6, second.events().size());
        assertFalse(second.more());
        assertTrue(second.events().get(0).isAfter(last.ms(), last.seq()));
        assertFalse(log.read(StreamRef.asset("missing"), null, 10).get().found());
    }

    @Test
    void retentionByCountTrimsTheOldestAndRemembersWhat() throws Exception {
        EventId[] ids = new EventId[6];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = append("p", "a");
        }
        ReplayPage page = log.read(StreamRef.asset("a"), null, 100).get();
        assertEquals(4, page.events().size(), "four kept per stream");
        assertEquals(ids[2], page.events().get(0).id());
        assertEquals(ids[1], page.trimmedThrough());
        assertTrue(page.truncatedFor(ids[0]));
        assertFalse(page.truncatedFor(ids[1]), "a cursor at the trim point missed nothing");
    }

    @Test
    void retentionByAgeForgetsExpiredAssetsButProjectsRememberTheTrim() throws Exception {
        EventId old = append("p", "old");
        clock.millis += Duration.ofMinutes(9).toMillis();
        EventId recent = append("p", "recent");
        clock.millis += Duration.ofMinutes(2).toMillis();
        log.sweep();
        assertFalse(log.read(StreamRef.asset("old"), null, 10).get().found(), "an expired asset is forgotten");
        ReplayPage project = log.read(StreamRef.project("p"), null, 10).get();
        assertEquals(
                List.of(recent), project.events().stream().map(LoggedEvent::id).toList());
        assertEquals(old, project.trimmedThrough());
        clock.millis += Duration.ofMinutes(10).toMillis();
        log.sweep();
        ReplayPage empty = log.read(StreamRef.project("p"), null, 10).get();
        assertTrue(empty.events().isEmpty());
        assertEquals(recent, empty.trimmedThrough(), "a late cursor is still told it missed events");
    }

    @Test
    void theTerminalEventStaysTheAssetsLastWhileWebhookEventsFollowIt() throws Exception {
        EventId ready =
                log.append(List.of(Events.of(EventType.READY, "p", "a"))).get().get(0);
        for (int i = 0; i < 6; i++) {
            log.append(List.of(Events.of(EventType.WEBHOOK_FAILED, "p", "a"))).get();
        }
        ReplayPage asset = log.read(StreamRef.asset("a"), null, 10).get();
        assertEquals(ready, asset.terminalId());
        assertEquals(
                List.of(ready),
                asset.events().stream().map(LoggedEvent::id).toList(),
                "later webhook events are not in the asset's stream, so retention cannot trim its end away");
        assertNull(log.read(StreamRef.project("p"), null, 10).get().terminalId());
    }

    @Test
    void anAssetStaysWithItsProject() throws Exception {
        append("p", "a");
        ExecutionException moved =
                org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> append("q", "a"));
        EventValidationException cause = (EventValidationException) moved.getCause();
        assertEquals("asset_id", cause.field());
        ExecutionException inBatch = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class,
                () -> log.append(List.of(Events.of(EventType.QUEUED, "q", "b"), Events.of(EventType.QUEUED, "r", "b")))
                        .get());
        assertEquals(1, ((EventValidationException) inBatch.getCause()).index());
        assertFalse(log.read(StreamRef.asset("b"), null, 10).get().found(), "nothing of the batch was written");
    }

    @Test
    void aFullRingRefusesTheWholeBatch() throws Exception {
        log.close();
        ring.close();
        CountDownLatch release = new CountDownLatch(1);
        ring = new EventRing(1024, (slot, sequence, endOfBatch) -> release.await());
        log = new EmbeddedEventLog(ring, 4, Duration.ofMinutes(10), clock);
        try {
            for (int i = 0; i < 1024; i++) {
                append("p", "a" + i);
            }
            ExecutionException full = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> append("p", "overflow"));
            assertTrue(full.getCause() instanceof LogUnavailableException);
            assertFalse(log.read(StreamRef.asset("overflow"), null, 10).get().found());
        } finally {
            release.countDown();
        }
    }
}
