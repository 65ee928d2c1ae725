package com.motioness.edge.webhook.dispatch;

import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;

/**
 * An event as the dispatcher takes it in, from the ring or the firehose: its id, routing fields and
 * JSON. The JSON array is the log's, shared and never written.
 */
record TakenEvent(EventId id, EventType type, String projectId, String assetId, byte[] json) {}
