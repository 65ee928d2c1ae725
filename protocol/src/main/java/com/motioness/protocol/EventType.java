package com.motioness.protocol;

import static com.motioness.protocol.FieldRule.FORBIDDEN;
import static com.motioness.protocol.FieldRule.OPTIONAL;
import static com.motioness.protocol.FieldRule.REQUIRED;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The closed enum of event types, mirroring the asset lifecycle. Each type knows its wire name
 * (the SSE {@code event:} and the JSON {@code type}) and which optional fields it carries:
 * {@code stage} on stage events, {@code latency_ms} on every {@code *_completed},
 * {@code error_code} with {@code error_msg} on every failure.
 */
public enum EventType {
    /** The asset entered the queue. */
    QUEUED("queued", OPTIONAL, FORBIDDEN, FORBIDDEN),
    /** Vision analysis started. */
    VISION_STARTED("vision_started", OPTIONAL, FORBIDDEN, FORBIDDEN),
    /** Vision analysis finished. */
    VISION_COMPLETED("vision_completed", OPTIONAL, REQUIRED, FORBIDDEN),
    /** Vision analysis failed. */
    VISION_FAILED("vision_failed", OPTIONAL, FORBIDDEN, REQUIRED),
    /** A generation stage started. */
    STAGE_STARTED("stage_started", REQUIRED, FORBIDDEN, FORBIDDEN),
    /** A generation stage finished. */
    STAGE_COMPLETED("stage_completed", REQUIRED, REQUIRED, FORBIDDEN),
    /** A generation stage failed. */
    STAGE_FAILED("stage_failed", REQUIRED, FORBIDDEN, REQUIRED),
    /** A failed step will be tried again. */
    RETRY_SCHEDULED("retry_scheduled", OPTIONAL, FORBIDDEN, OPTIONAL),
    /** The result was written to storage. */
    R2_WRITE_COMPLETED("r2_write_completed", OPTIONAL, REQUIRED, FORBIDDEN),
    /** A webhook was sent. */
    WEBHOOK_DISPATCHED("webhook_dispatched", OPTIONAL, FORBIDDEN, FORBIDDEN),
    /** A webhook was accepted by its endpoint. */
    WEBHOOK_DELIVERED("webhook_delivered", OPTIONAL, FORBIDDEN, FORBIDDEN),
    /** A webhook attempt failed. */
    WEBHOOK_FAILED("webhook_failed", OPTIONAL, FORBIDDEN, REQUIRED),
    /** A webhook was given up after its retries. */
    WEBHOOK_DEAD_LETTER("webhook_dead_letter", OPTIONAL, FORBIDDEN, OPTIONAL),
    /** The asset is ready. Terminal. */
    READY("ready", OPTIONAL, FORBIDDEN, FORBIDDEN),
    /** The asset failed. Terminal. */
    FAILED("failed", OPTIONAL, FORBIDDEN, REQUIRED),
    /** The asset was cancelled. Terminal. */
    CANCELLED("cancelled", OPTIONAL, FORBIDDEN, OPTIONAL);

    private static final Map<String, EventType> BY_WIRE_NAME = new HashMap<>();

    static {
        for (EventType type : values()) {
            BY_WIRE_NAME.put(type.wireName, type);
        }
    }

    private final String wireName;
    private final byte[] wireNameAscii;
    private final FieldRule stage;
    private final FieldRule latencyMs;
    private final FieldRule error;

    EventType(String wireName, FieldRule stage, FieldRule latencyMs, FieldRule error) {
        this.wireName = wireName;
        this.wireNameAscii = wireName.getBytes(StandardCharsets.US_ASCII);
        this.stage = stage;
        this.latencyMs = latencyMs;
        this.error = error;
    }

    /** The snake_case name used in {@code event:} and in the JSON {@code type}. */
    public String wireName() {
        return wireName;
    }

    /** Bytes of the wire name (ASCII). */
    public int wireNameLength() {
        return wireNameAscii.length;
    }

    /** Writes the wire name as ASCII, without creating a String. */
    public void writeWireName(ByteBuf out) {
        out.writeBytes(wireNameAscii);
    }

    /** The type with this wire name, or null for a name outside the enum. */
    public static EventType ofWireName(String name) {
        return BY_WIRE_NAME.get(name);
    }

    /** True for ready, failed and cancelled: the asset's stream ends after it. */
    public boolean isTerminal() {
        return this == READY || this == FAILED || this == CANCELLED;
    }

    /** Whether {@code stage} is required, allowed or forbidden. */
    public FieldRule stage() {
        return stage;
    }

    /** Whether {@code latency_ms} is required, allowed or forbidden. */
    public FieldRule latencyMs() {
        return latencyMs;
    }

    /** Whether {@code error_code} and {@code error_msg} (always together) are required, allowed or forbidden. */
    public FieldRule error() {
        return error;
    }
}
