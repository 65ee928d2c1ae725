package com.motioness.edge.ring;

import com.lmax.disruptor.EventTranslatorOneArg;
import com.motioness.protocol.EventType;

/**
 * One preallocated slot of the ring: the id, the routing fields and the JSON of an event, as the
 * log wrote it, or only the id of an entry that could not be routed ({@link #type()} null). Slots
 * are reused; the consumer clears the references once it has encoded the frame so the ring does
 * not pin old events in memory.
 */
public final class RingSlot {
    /** Copies an event into a slot; static so publishing captures nothing per event. */
    static final EventTranslatorOneArg<RingSlot, RingEvent> FROM_EVENT = (slot, sequence, event) ->
            slot.set(event.ms(), event.seq(), event.type(), event.projectId(), event.assetId(), event.json());

    long ms;
    long seq;
    EventType type;
    String projectId;
    String assetId;
    byte[] json;

    void set(long ms, long seq, EventType type, String projectId, String assetId, byte[] json) {
        this.ms = ms;
        this.seq = seq;
        this.type = type;
        this.projectId = projectId;
        this.assetId = assetId;
        this.json = json;
    }

    /** Milliseconds part of the event id. */
    public long ms() {
        return ms;
    }

    /** Sequence part of the event id. */
    public long seq() {
        return seq;
    }

    /** The event type; null for an entry that could not be routed. Valid until {@link #clear()}. */
    public EventType type() {
        return type;
    }

    /** The project the event belongs to; valid until {@link #clear()}. */
    public String projectId() {
        return projectId;
    }

    /** The asset the event belongs to; valid until {@link #clear()}. */
    public String assetId() {
        return assetId;
    }

    /** The event JSON; valid until {@link #clear()}. */
    public byte[] json() {
        return json;
    }

    /** Drops the references to the event once the consumer is done with it. */
    public void clear() {
        type = null;
        projectId = null;
        assetId = null;
        json = null;
    }
}
