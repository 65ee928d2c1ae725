package com.motioness.protocol;

/**
 * Whether an event type requires, allows or forbids an optional field of {@link AssetEvent}.
 *
 * @see EventType#stage()
 * @see EventType#latencyMs()
 * @see EventType#error()
 */
public enum FieldRule {
    /** The field must be present; an event without it is rejected. */
    REQUIRED,
    /** The field may be present or absent. */
    OPTIONAL,
    /** The field must be absent; an event carrying it is rejected. */
    FORBIDDEN
}
