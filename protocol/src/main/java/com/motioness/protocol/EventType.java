package com.motioness.protocol;

import static com.motioness.protocol.FieldRule.FORBIDDEN;
import static com.motioness.protocol.FieldRule.OPTIONAL;
import static com.motioness.protocol.FieldRule.REQUIRED;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The closed set of asset lifecycle events, in lifecycle order.
 *
 * <p>The {@linkplain #wireName() wire name} is what appears in the JSON {@code type} field and in
 * the SSE {@code event:} line, so browsers subscribe with {@code addEventListener(wireName, ...)}.
 * The order of the constants is part of the contract: new types are appended, never inserted.
 *
 * <p>Each type also states which of the optional fields it requires, allows or forbids:
 * {@code stage}, {@code latency_ms}, and the {@code error_code} + {@code error_msg} pair.
 */
public enum EventType {
    /** The asset was accepted and waits for a worker. */
    QUEUED("queued", OPTIONAL, FORBIDDEN, FORBIDDEN),
    /** Vision analysis started. */
    VISION_STARTED("vision_started", OPTIONAL, FORBIDDEN, FORBIDDEN),
    /** Vision analysis finished; carries {@code latency_ms}. */
    VISION_COMPLETED("vision_completed", OPTIONAL, REQUIRED, FORBIDDEN),
    /** Vision analysis failed; carries {@code error_code} and {@code error_msg}. */
    VISION_FAILED("vision_failed", OPTIONAL, FORBIDDEN, REQUIRED),
    /** A processing stage started; carries {@code stage}. */
    STAGE_STARTED("stage_started", REQUIRED, FORBIDDEN, FORBIDDEN),
    /** A processing stage finished; carries {@code stage} and {@code latency_ms}. */
    STAGE_COMPLETED("stage_completed", REQUIRED, REQUIRED, FORBIDDEN),
    /** A processing stage failed; carries {@code stage}, {@code error_code} and {@code error_msg}. */
    STAGE_FAILED("stage_failed", REQUIRED, FORBIDDEN, REQUIRED),
    /** A failed step will be retried; may say why. */
    RETRY_SCHEDULED("retry_scheduled", OPTIONAL, FORBIDDEN, OPTIONAL),
    /** The output was written to object storage; carries {@code latency_ms}. */
    R2_WRITE_COMPLETED("r2_write_completed", OPTIONAL, REQUIRED, FORBIDDEN),
    /** A webhook delivery was sent. */
    WEBHOOK_DISPATCHED("webhook_dispatched", OPTIONAL, FORBIDDEN, FORBIDDEN),
    /** A webhook delivery was acknowledged by the receiver; may carry the attempt's {@code latency_ms}. */
    WEBHOOK_DELIVERED("webhook_delivered", OPTIONAL, OPTIONAL, FORBIDDEN),
    /** A webhook delivery attempt failed; carries {@code error_code} and {@code error_msg}. */
    WEBHOOK_FAILED("webhook_failed", OPTIONAL, FORBIDDEN, REQUIRED),
    /** A webhook exhausted its retries; may say why. */
    WEBHOOK_DEAD_LETTER("webhook_dead_letter", OPTIONAL, FORBIDDEN, OPTIONAL),
    /** Terminal: the asset is ready to serve. */
    READY("ready", OPTIONAL, FORBIDDEN, FORBIDDEN),
    /** Terminal: the asset failed for good; carries {@code error_code} and {@code error_msg}. */
    FAILED("failed", OPTIONAL, FORBIDDEN, REQUIRED),
    /** Terminal: the asset was cancelled; may say why. */
    CANCELLED("cancelled", OPTIONAL, FORBIDDEN, OPTIONAL);

    // values() clones its array on every call; a map makes ofWireName one hash lookup.
    private static final Map<String, EventType> BY_WIRE_NAME;

    static {
        final Map<String, EventType> byWireName = new HashMap<>();
        for (final EventType type : values()) {
            byWireName.put(type.wireName, type);
        }
        BY_WIRE_NAME = Map.copyOf(byWireName);
    }

    private final String wireName;
    // Private so nobody can mutate it; SSE frames copy it straight into buffers.
    private final byte[] wireNameAscii;
    private final FieldRule stage;
    private final FieldRule latencyMs;
    private final FieldRule error;

    EventType(final String wireName, final FieldRule stage, final FieldRule latencyMs, final FieldRule error) {
        this.wireName = wireName;
        this.wireNameAscii = wireName.getBytes(StandardCharsets.US_ASCII);
        this.stage = stage;
        this.latencyMs = latencyMs;
        this.error = error;
    }

    /**
     * Returns the snake_case name used in JSON and in the SSE {@code event:} line.
     *
     * @return the wire name, for example {@code "stage_completed"}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the number of bytes {@link #writeWireName(ByteBuf)} writes.
     *
     * @return the length of the wire name in ASCII bytes
     */
    public int wireNameLength() {
        return wireNameAscii.length;
    }

    /**
     * Writes the wire name as ASCII bytes at the writer index of {@code out}.
     *
     * @param out the buffer to write to
     */
    public void writeWireName(final ByteBuf out) {
        out.writeBytes(wireNameAscii);
    }

    /**
     * Looks an event type up by its wire name.
     *
     * @param wireName the snake_case name, for example {@code "ready"}
     * @return the type, or {@code null} if {@code wireName} is null or names no type
     */
    public static EventType ofWireName(final String wireName) {
        return wireName == null ? null : BY_WIRE_NAME.get(wireName);
    }

    /**
     * Tells whether this type ends the asset's lifecycle: nothing follows it in the stream.
     *
     * @return true for {@link #READY}, {@link #FAILED} and {@link #CANCELLED}
     */
    public boolean isTerminal() {
        return this == READY || this == FAILED || this == CANCELLED;
    }

    /**
     * Tells whether an event of this type is accepted for an asset after its terminal event:
     * webhook deliveries follow the outcome they report. Such an event goes to the project's
     * feed only; the asset's stream still ends at its terminal event.
     *
     * @return true for the {@code webhook_*} types
     */
    public boolean mayFollowTerminal() {
        return isWebhook();
    }

    /**
     * Tells whether this type reports a webhook delivery. Such events are never delivered by
     * webhook themselves, so a delivery cannot trigger another.
     *
     * @return true for the {@code webhook_*} types
     */
    public boolean isWebhook() {
        return this == WEBHOOK_DISPATCHED
                || this == WEBHOOK_DELIVERED
                || this == WEBHOOK_FAILED
                || this == WEBHOOK_DEAD_LETTER;
    }

    /**
     * Returns whether this type requires, allows or forbids the {@code stage} field.
     *
     * @return the rule for {@code stage}
     */
    public FieldRule stage() {
        return stage;
    }

    /**
     * Returns whether this type requires, allows or forbids the {@code latency_ms} field.
     *
     * @return the rule for {@code latency_ms}
     */
    public FieldRule latencyMs() {
        return latencyMs;
    }

    /**
     * Returns whether this type requires, allows or forbids the {@code error_code} and
     * {@code error_msg} pair; the two are always present together or absent together.
     *
     * @return the rule for {@code error_code} and {@code error_msg}
     */
    public FieldRule error() {
        return error;
    }
}
