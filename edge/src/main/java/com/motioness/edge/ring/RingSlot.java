package com.motioness.edge.ring;

import com.motioness.edge.log.LoggedEvent;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.motioness.protocol.EventId;

/**
 * One preallocated slot of the ring: the id and the JSON of an event, as the log wrote it. Slots
 * are reused; the consumer clears the JSON reference once it has encoded the frame so the ring does
 * not pin old events in memory.
 */
public final class RingSlot {
    /** Copies a logged event into a slot; static so publishing captures nothing per event. */
    static final EventTranslatorOneArg<RingSlot, LoggedEvent> FROM_LOGGED_EVENT =
            (slot, sequence, event) -> slot.set(event.ms(), event.seq(), event.json());

    /** Copies an entry read from an outside log (its id and JSON). */
    static final EventTranslatorTwoArg<RingSlot, EventId, byte[]> FROM_ENTRY =
            (slot, sequence, id, json) -> slot.set(id.ms(), id.seq(), json);

    long ms;
    long seq;
    byte[] json;

    void set(long ms, long seq, byte[] json) {
        this.ms = ms;
        this.seq = seq;
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

    /** The event JSON; valid until {@link #clear()}. */
    public byte[] json() {
        return json;
    }

    /** Drops the reference to the JSON once the consumer is done with it. */
    public void clear() {
        json = null;
    }
}
