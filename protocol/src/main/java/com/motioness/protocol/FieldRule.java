package com.motioness.protocol;

/** Whether an event type requires, allows or forbids an optional field. */
public enum FieldRule {
    /** The field must be present. */
    REQUIRED,
    /** The field may be present. */
    OPTIONAL,
    /** The field must be absent. */
    FORBIDDEN
}
