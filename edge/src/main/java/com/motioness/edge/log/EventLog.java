package com.motioness.edge.log;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.StoredBatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The event log behind the edge: where events are appended, where replay reads from, and what
 * feeds the live path. Two implementations share this contract: the embedded in-memory log (one
 * machine, the default) and Redis Streams (several nodes).
 *
 * <p>The contract every implementation keeps:
 * <ul>
 *   <li>Ids are assigned by the log and strictly increase in append order, across all streams of a
 *       shard; an event has the same id in its asset stream and its project stream.</li>
 *   <li>Every appended event reaches the live feed (the {@link com.motioness.edge.ring.EventRing})
 *       after it is readable by {@link #read}, and in id order. That ordering is what makes the
 *       subscriber's seam exact: register for live events first, then read; an event is either in
 *       the read or arrives live (or both, and the subscriber drops the duplicate by id).</li>
 *   <li>Futures may complete on any thread, including the caller's (the embedded log completes
 *       before returning); callers hop to their own event loop.</li>
 * </ul>
 */
public interface EventLog extends AutoCloseable {

    /**
     * Appends events atomically and in order: either all are written or none is.
     *
     * <p>With an idempotency key, a call that repeats an earlier success with the same key and the
     * same events (their stored JSON) within the log's idempotency window stores nothing and
     * answers the earlier ids, {@linkplain StoredBatch#replayed() replayed}; the same key with other
     * events is refused. Checking the key and writing are one atomic step, so racing callers store
     * a batch once.
     *
     * <p>After an asset's terminal event only {@code webhook_*} events are accepted for it, event
     * by event within a batch; they reach the live feed and the project's stream but not the
     * asset's stream, which ends at its terminal event, and they do not extend the asset's lifetime.
     *
     * @param key the batch's idempotency key, or null
     * @return the assigned ids, in the order of {@code events}. Fails with
     *     {@link com.motioness.protocol.EventValidationException} when an event conflicts with the
     *     log (an asset that belongs to another project), {@link com.motioness.protocol.AssetEndedException}
     *     for any other event after its asset's terminal event,
     *     {@link com.motioness.protocol.IdempotencyKeyReusedException} for a key used with other
     *     events, or {@link LogUnavailableException} when the log cannot take events now.
     */
    CompletableFuture<StoredBatch> append(List<AssetEvent> events, IdempotencyKey key);

    /** {@link #append(List, IdempotencyKey)} without an idempotency key; answers the ids. */
    default CompletableFuture<List<EventId>> append(List<AssetEvent> events) {
        return append(events, null).thenApply(StoredBatch::ids);
    }

    /**
     * Reads at most {@code limit} events of {@code stream} with ids strictly greater than
     * {@code after} ({@code null}: from the oldest retained event).
     */
    CompletableFuture<ReplayPage> read(StreamRef stream, EventId after, int limit);

    /**
     * Where a read of a project's activity stream must start to return its newest {@code count}
     * retained events (and whatever is appended after them): the id of the retained event just
     * before them, or {@link EventId#ZERO} when the stream retains {@code count} events or fewer
     * (or none, or the log does not know the project). The id is one the stream holds, so a client
     * given it as its cursor resumes exactly there.
     *
     * @param count how many of the newest events a reader wants, at least 1
     */
    CompletableFuture<EventId> cursorBeforeNewest(String projectId, int count);

    /** Stops background work and releases what the log holds. */
    @Override
    void close();
}
