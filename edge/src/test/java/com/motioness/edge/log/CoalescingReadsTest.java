package com.motioness.edge.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.StoredBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CoalescingReadsTest {
    private static final StreamRef FIRST = StreamRef.asset("first");
    private static final StreamRef HOT = StreamRef.asset("hot");
    private static final EventId CURSOR = new EventId(1764300000000L, 3);

    /** A log whose reads the test answers by hand, in the order they were issued. */
    private static final class ScriptedLog implements EventLog {
        final List<StreamRef> issued = new ArrayList<>();
        final List<CompletableFuture<ReplayPage>> answers = new ArrayList<>();

        @Override
        public CompletableFuture<StoredBatch> append(List<AssetEvent> events, IdempotencyKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized CompletableFuture<ReplayPage> read(StreamRef stream, EventId after, int limit) {
            issued.add(stream);
            CompletableFuture<ReplayPage> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }

        @Override
        public CompletableFuture<EventId> cursorBeforeNewest(String projectId, int count) {
            throw new UnsupportedOperationException();
        }

        synchronized long readsOf(StreamRef stream) {
            return issued.stream().filter(stream::equals).count();
        }

        synchronized CompletableFuture<ReplayPage> answer(int index) {
            return answers.get(index);
        }

        @Override
        public void close() {}
    }

    @Test
    void identicalReadsWaitingForAPlaceGoToTheLogOnce() throws Exception {
        ScriptedLog log = new ScriptedLog();
        try (CoalescingReads reads = new CoalescingReads(log, 1)) {
            CompletableFuture<ReplayPage> first = reads.read(FIRST, null, 10);
            List<CompletableFuture<ReplayPage>> hot = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                hot.add(reads.read(HOT, CURSOR, 10));
            }
            CompletableFuture<ReplayPage> otherCursor = reads.read(HOT, null, 10);
            assertEquals(0, log.readsOf(HOT), "the one place is taken");
            assertEquals(2, reads.waitingReads(), "51 reads wait as 2");

            ReplayPage page = ReplayPage.notFound();
            log.answer(0).complete(page);
            assertSame(page, first.get());
            assertEquals(1, log.readsOf(HOT));
            log.answer(1).complete(page);
            for (CompletableFuture<ReplayPage> each : hot) {
                assertSame(page, each.get());
            }
            log.answer(2).complete(page);
            assertSame(page, otherCursor.get());
            assertEquals(2, log.readsOf(HOT), "50 identical reads went once, the other cursor once");
        }
    }

    @Test
    void aReadAskedForAfterTheSameReadWasIssuedIsNotJoinedToIt() throws Exception {
        ScriptedLog log = new ScriptedLog();
        try (CoalescingReads reads = new CoalescingReads(log, 64)) {
            CompletableFuture<ReplayPage> first = reads.read(HOT, CURSOR, 10);
            // The first read is on its way but unanswered: a subscriber that registered for live
            // events after it was issued must read again, or it could miss what was appended between.
            CompletableFuture<ReplayPage> second = reads.read(HOT, CURSOR, 10);
            assertEquals(2, log.readsOf(HOT));
            log.answer(0).complete(ReplayPage.notFound());
            assertTrue(first.isDone());
            assertFalse(second.isDone(), "the second read waits for its own answer");
            log.answer(1).completeExceptionally(new LogUnavailableException("down"));
            assertTrue(second.isCompletedExceptionally(), "a failure reaches the callers of that read");
        }
    }

    @Test
    void aLogThatAnswersAtOnceDoesNotRecurse() throws Exception {
        EventLog immediate = new EventLog() {
            @Override
            public CompletableFuture<StoredBatch> append(List<AssetEvent> events, IdempotencyKey key) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<ReplayPage> read(StreamRef stream, EventId after, int limit) {
                return CompletableFuture.completedFuture(ReplayPage.notFound());
            }

            @Override
            public CompletableFuture<EventId> cursorBeforeNewest(String projectId, int count) {
                return CompletableFuture.completedFuture(EventId.ZERO);
            }

            @Override
            public void close() {}
        };
        try (CoalescingReads reads = new CoalescingReads(immediate, 1)) {
            for (int i = 0; i < 100_000; i++) {
                assertTrue(reads.read(StreamRef.asset("a" + i), null, 10).isDone());
            }
        }
    }
}
