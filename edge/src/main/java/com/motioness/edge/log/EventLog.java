package com.motioness.edge.log;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
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
     * <p>After an asset's terminal event only {@code webhook_*} events are accepted for it, event
     * by event within a batch; they reach the live feed and the project's stream but not the
     * asset's stream, which ends at its terminal event, and they do not extend the asset's lifetime.
     *
     * @return the assigned ids, in the order of {@code events}. Fails with
     *     {@link com.motioness.protocol.EventValidationException} when an event conflicts with the
     *     log (an asset that belongs to another project), {@link com.motioness.protocol.AssetEndedException}
     *     for any other event after its asset's terminal event, or {@link LogUnavailableException}
     *     when the log cannot take events now.
     */
    CompletableFuture<List<EventId>> append(List<AssetEvent> events);

    /**
     * Reads at most {@code limit} events of {@code stream} with ids strictly greater than
     * {@code after} ({@code null}: from the oldest retained event).
     */
    CompletableFuture<ReplayPage> read(StreamRef stream, EventId after, int limit);

    /** Stops background work and releases what the log holds. */
    @Override
    void close();
}
