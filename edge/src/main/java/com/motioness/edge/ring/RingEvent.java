package com.motioness.edge.ring;

import com.motioness.protocol.EventType;

/**
 * What the ring carries of one event: its id, the fields that route it to streams, and its JSON
 * exactly as it goes out in {@code data:}. The ring copies these into a slot when the event is
 * published, so the consumer routes and frames the event without decoding its JSON.
 */
public interface RingEvent {
    /** Milliseconds part of the id. */
    long ms();

    /** Sequence part of the id. */
    long seq();

    /** The event type. */
    EventType type();

    /** The project the event belongs to. */
    String projectId();

    /** The asset the event belongs to. */
    String assetId();

    /** The event's JSON, shared: read it, never write it. */
    byte[] json();
}
