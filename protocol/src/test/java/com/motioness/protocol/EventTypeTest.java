package com.motioness.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventTypeTest {

    @Test
    void constantsAndWireNamesInContractOrder() {
        final List<String> expected = List.of(
                "queued",
                "vision_started",
                "vision_completed",
                "vision_failed",
                "stage_started",
                "stage_completed",
                "stage_failed",
                "retry_scheduled",
                "r2_write_completed",
                "webhook_dispatched",
                "webhook_delivered",
                "webhook_failed",
                "webhook_dead_letter",
                "ready",
                "failed",
                "cancelled");
        assertEquals(
                expected,
                Arrays.stream(EventType.values()).map(EventType::wireName).toList());
        for (final EventType type : EventType.values()) {
            // The constant name is the wire name in upper case: nobody has to guess the mapping.
            assertEquals(type.wireName().toUpperCase(java.util.Locale.ROOT), type.name());
        }
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void ofWireNameFindsEveryType(final EventType type) {
        assertSame(type, EventType.ofWireName(type.wireName()));
    }

    @Test
    void ofWireNameReturnsNullForUnknownNames() {
        assertNull(EventType.ofWireName("foo"));
        assertNull(EventType.ofWireName("QUEUED"));
        assertNull(EventType.ofWireName("queued "));
        assertNull(EventType.ofWireName(""));
        assertNull(EventType.ofWireName(null));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void writeWireNameWritesAsciiBytes(final EventType type) {
        final ByteBuf out = Unpooled.buffer(type.wireNameLength(), type.wireNameLength());
        try {
            type.writeWireName(out);
            assertArrayEquals(type.wireName().getBytes(StandardCharsets.US_ASCII), ByteBufUtil.getBytes(out));
            assertEquals(type.wireName().length(), type.wireNameLength());
        } finally {
            out.release();
        }
    }

    @Test
    void terminalTypes() {
        for (final EventType type : EventType.values()) {
            assertEquals(
                    Set.of(EventType.READY, EventType.FAILED, EventType.CANCELLED)
                            .contains(type),
                    type.isTerminal(),
                    type.wireName());
        }
    }

    @Test
    void webhookTypes() {
        for (final EventType type : EventType.values()) {
            assertEquals(type.wireName().startsWith("webhook_"), type.isWebhook(), type.wireName());
        }
    }

    /** Restates the contract's field rules from the wire names, independently of the enum's table. */
    @ParameterizedTest
    @EnumSource(EventType.class)
    void fieldRules(final EventType type) {
        final String name = type.wireName();
        assertEquals(name.startsWith("stage_") ? FieldRule.REQUIRED : FieldRule.OPTIONAL, type.stage(), name);
        // The contract puts latency_ms on *_completed; a delivered webhook may carry its attempt's latency too.
        final FieldRule latency = name.endsWith("_completed")
                ? FieldRule.REQUIRED
                : name.equals("webhook_delivered") ? FieldRule.OPTIONAL : FieldRule.FORBIDDEN;
        assertEquals(latency, type.latencyMs(), name);
        final FieldRule error;
        if (Set.of("vision_failed", "stage_failed", "webhook_failed", "failed").contains(name)) {
            error = FieldRule.REQUIRED;
        } else if (Set.of("retry_scheduled", "webhook_dead_letter", "cancelled").contains(name)) {
            error = FieldRule.OPTIONAL;
        } else {
            error = FieldRule.FORBIDDEN;
        }
        assertEquals(error, type.error(), name);
    }
}
