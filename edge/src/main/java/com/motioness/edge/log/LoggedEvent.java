package com.motioness.edge.log;

import com.motioness.edge.ring.RingEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;

/**
 * One event as the log holds it: its id (milliseconds and sequence, as in a Redis stream id), the
 * routing fields, and its JSON exactly as it goes out in {@code data:}. Immutable; the JSON array
 * is never written after construction and must not be changed by anyone. Published to the ring as a
 * {@link RingEvent}: its routing fields travel with the JSON, so the live feed never decodes it.
 */
public final class LoggedEvent implements RingEvent {
    private final long ms;
    private final long seq;
    private final EventType type;
    private final String projectId;
    private final String assetId;
    private final byte[] json;

    /** Takes ownership of {@code json}. */
    public LoggedEvent(long ms, long seq, EventType type, String projectId, String assetId, byte[] json) {
        this.ms = ms;
        this.seq = seq;
        this.type = type;
        this.projectId = projectId;
        this.assetId = assetId;
        this.json = json;
    }

    /** Milliseconds part of the id. */
    @Override
    public long ms() {
        return ms;
    }

    /** Sequence part of the id. */
    @Override
    public long seq() {
        return seq;
    }

    /** The id as an object (allocates; not for the delivery path). */
    public EventId id() {
        return new EventId(ms, seq);
    }

    /** The event type. */
    @Override
    public EventType type() {
        return type;
    }

    /** The project the event belongs to. */
    @Override
    public String projectId() {
        return projectId;
    }

    /** The asset the event belongs to. */
    @Override
    public String assetId() {
        return assetId;
    }

    /** The event's JSON, shared: read it, never write it. */
    @Override
    public byte[] json() {
        return json;
    }

    /** True when this event's id is strictly greater than {@code (ms, seq)}. */
    public boolean isAfter(long otherMs, long otherSeq) {
        return EventId.compare(ms, seq, otherMs, otherSeq) > 0;
    }

    @Override
    public String toString() {
        return type.wireName() + '@' + new EventId(ms, seq) + " asset=" + assetId + " project=" + projectId;
    }
}
