package com.motioness.edge.log;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.StoredBatch;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An event log that keeps at most a bounded number of replay reads in flight and merges
 * identical reads that wait for a place.
 *
 * <p>When a node starts or a load balancer moves thousands of clients at once, most of them ask
 * for the same thing: the same asset after the same cursor. Against Redis each read is four
 * commands, and 16,000 new streams a node at once made Redis answer after the edge's 2 s timeout:
 * one stream in ten got 503 (perf/scenarios/idle-100k.sh). With a bound on reads in flight the
 * rest wait here, and waiting reads with the same key become one.
 *
 * <p>The seam rule of {@link EventLog} (a subscriber registers for live events, then reads) holds
 * only for a read issued after the subscriber registered. So a caller joins a read that waits,
 * never one already issued. An idle node issues each read at once.
 */
public final class CoalescingReads implements EventLog {
    private static final ThreadLocal<boolean[]> ISSUING = ThreadLocal.withInitial(() -> new boolean[1]);

    private final EventLog log;
    private final int maxInFlight;
    // Guarded by this: touched once per read, never per delivery.
    private final Map<ReadKey, CompletableFuture<ReplayPage>> waiting = new HashMap<>();
    private final ArrayDeque<ReadKey> queue = new ArrayDeque<>();
    private int inFlight;

    /** Wraps {@code log}, which this one closes, with at most {@code maxInFlight} reads on their way. */
    public CoalescingReads(EventLog log, int maxInFlight) {
        this.log = log;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public CompletableFuture<StoredBatch> append(List<AssetEvent> events, IdempotencyKey key) {
        return log.append(events, key);
    }

    @Override
    public CompletableFuture<ReplayPage> read(StreamRef stream, EventId after, int limit) {
        ReadKey key = new ReadKey(stream, after, limit);
        CompletableFuture<ReplayPage> result;
        synchronized (this) {
            result = waiting.get(key);
            if (result != null) {
                return result;
            }
            result = new CompletableFuture<>();
            waiting.put(key, result);
            queue.add(key);
        }
        issueWhatFits();
        return result;
    }

    /**
     * Not bounded: only a feed opened with a tail asks it, which is a page being loaded; the
     * reconnect storms the bound is for carry a cursor, which a tail never overrides.
     */
    @Override
    public CompletableFuture<EventId> cursorBeforeNewest(String projectId, int count) {
        return log.cursorBeforeNewest(projectId, count);
    }

    /** Reads waiting for a place, for metrics and tests. */
    public synchronized int waitingReads() {
        return queue.size();
    }

    private void issueWhatFits() {
        // A log that answers at once would call back into here from inside log.read: the loop
        // below already takes the next read, so only the outermost call issues.
        if (ISSUING.get()[0]) {
            return;
        }
        ISSUING.get()[0] = true;
        try {
            issueLoop();
        } finally {
            ISSUING.get()[0] = false;
        }
    }

    private void issueLoop() {
        while (true) {
            ReadKey key;
            CompletableFuture<ReplayPage> result;
            synchronized (this) {
                if (inFlight >= maxInFlight || queue.isEmpty()) {
                    return;
                }
                key = queue.poll();
                // From here on nobody joins it: whoever asks now registered after it was issued.
                result = waiting.remove(key);
                inFlight++;
            }
            log.read(key.stream(), key.after(), key.limit()).whenComplete((page, error) -> {
                synchronized (this) {
                    inFlight--;
                }
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(page);
                }
                issueWhatFits();
            });
        }
    }

    @Override
    public void close() {
        log.close();
    }

    private record ReadKey(StreamRef stream, EventId after, int limit) {}
}
