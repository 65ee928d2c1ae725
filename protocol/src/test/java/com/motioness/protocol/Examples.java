package com.motioness.protocol;

import java.util.EnumMap;
import java.util.Map;

/** Valid events for tests: one golden JSON text per event type, and minimal valid builders. */
final class Examples {

    /** One valid example of every type, as its exact JSON encoding. */
    static final Map<EventType, String> GOLDEN = golden();

    private Examples() {}

    private static Map<EventType, String> golden() {
        final Map<EventType, String> g = new EnumMap<>(EventType.class);
        g.put(
                EventType.QUEUED,
                "{\"type\":\"queued\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000000,\"attempt\":1,"
                        + "\"request_id\":\"req-1\"}");
        g.put(
                EventType.VISION_STARTED,
                "{\"type\":\"vision_started\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000001,\"attempt\":1,"
                        + "\"stage\":\"vision\",\"request_id\":\"req-1\"}");
        g.put(
                EventType.VISION_COMPLETED,
                "{\"type\":\"vision_completed\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000002,\"attempt\":1,"
                        + "\"latency_ms\":1234,\"request_id\":\"req-1\"}");
        g.put(
                EventType.VISION_FAILED,
                "{\"type\":\"vision_failed\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000003,\"attempt\":1,"
                        + "\"error_code\":\"vision.timeout\",\"error_msg\":\"model did not answer in 30 s\",\"request_id\":\"req-1\"}");
        g.put(
                EventType.STAGE_STARTED,
                "{\"type\":\"stage_started\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000004,\"attempt\":1,"
                        + "\"stage\":\"upscale\",\"request_id\":\"req-1\"}");
        g.put(
                EventType.STAGE_COMPLETED,
                "{\"type\":\"stage_completed\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000000,\"attempt\":1,"
                        + "\"stage\":\"upscale\",\"latency_ms\":812,\"request_id\":\"req-1\"}");
        g.put(
                EventType.STAGE_FAILED,
                "{\"type\":\"stage_failed\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000006,\"attempt\":2,"
                        + "\"stage\":\"encode\",\"error_code\":\"ffmpeg:exit_1\",\"error_msg\":\"ffmpeg exited with status 1\","
                        + "\"request_id\":\"req-1\"}");
        g.put(
                EventType.RETRY_SCHEDULED,
                "{\"type\":\"retry_scheduled\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000007,\"attempt\":2,"
                        + "\"stage\":\"encode\",\"error_code\":\"upstream.503\",\"error_msg\":\"retry in 2 s\",\"request_id\":\"req-1\"}");
        g.put(
                EventType.R2_WRITE_COMPLETED,
                "{\"type\":\"r2_write_completed\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000008,\"attempt\":1,"
                        + "\"latency_ms\":0,\"request_id\":\"req-1\"}");
        g.put(
                EventType.WEBHOOK_DISPATCHED,
                "{\"type\":\"webhook_dispatched\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000009,\"attempt\":1,"
                        + "\"request_id\":\"req-1\"}");
        g.put(
                EventType.WEBHOOK_DELIVERED,
                "{\"type\":\"webhook_delivered\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000010,\"attempt\":3,"
                        + "\"request_id\":\"req-1\"}");
        // Quotes, a backslash and control characters are escaped: the line never holds a raw CR or LF.
        g.put(
                EventType.WEBHOOK_FAILED,
                "{\"type\":\"webhook_failed\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000011,\"attempt\":1,"
                        + "\"error_code\":\"http.500\",\"error_msg\":\"receiver said \\\"no\\\"\\r\\nat C:\\\\x\\tend\\u0001\","
                        + "\"request_id\":\"req-1\"}");
        g.put(
                EventType.WEBHOOK_DEAD_LETTER,
                "{\"type\":\"webhook_dead_letter\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000012,"
                        + "\"attempt\":5,\"request_id\":\"req-1\"}");
        g.put(
                EventType.READY,
                "{\"type\":\"ready\",\"asset_id\":\"Asset_A.b:c~d-9\",\"project_id\":\"proj:42~x\",\"ts\":9223372036854775807,"
                        + "\"attempt\":1000000,\"stage\":\"deliver\",\"request_id\":\"!req~\\\"x\\\"/{1}\"}");
        // Non-ASCII text is written as UTF-8, not escaped.
        g.put(
                EventType.FAILED,
                "{\"type\":\"failed\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000014,\"attempt\":1,"
                        + "\"error_code\":\"render.oom\",\"error_msg\":\"échec — ошибка 🚀\",\"request_id\":\"req-1\"}");
        g.put(
                EventType.CANCELLED,
                "{\"type\":\"cancelled\",\"asset_id\":\"a1\",\"project_id\":\"p1\",\"ts\":1764300000015,\"attempt\":1,"
                        + "\"error_code\":\"user.cancelled\",\"error_msg\":\"cancelled by user\",\"request_id\":\"req-1\"}");
        return g;
    }

    /** The same events as {@link #GOLDEN}, built field by field. */
    static AssetEvent.Builder goldenBuilder(final EventType type) {
        final AssetEvent.Builder b = AssetEvent.builder(type)
                .assetId("a1")
                .projectId("p1")
                .attempt(1)
                .requestId("req-1");
        switch (type) {
            case QUEUED:
                return b.ts(1764300000000L);
            case VISION_STARTED:
                return b.ts(1764300000001L).stage("vision");
            case VISION_COMPLETED:
                return b.ts(1764300000002L).latencyMs(1234);
            case VISION_FAILED:
                return b.ts(1764300000003L).error("vision.timeout", "model did not answer in 30 s");
            case STAGE_STARTED:
                return b.ts(1764300000004L).stage("upscale");
            case STAGE_COMPLETED:
                return b.ts(1764300000000L).stage("upscale").latencyMs(812);
            case STAGE_FAILED:
                return b.ts(1764300000006L)
                        .attempt(2)
                        .stage("encode")
                        .error("ffmpeg:exit_1", "ffmpeg exited with status 1");
            case RETRY_SCHEDULED:
                return b.ts(1764300000007L).attempt(2).stage("encode").error("upstream.503", "retry in 2 s");
            case R2_WRITE_COMPLETED:
                return b.ts(1764300000008L).latencyMs(0);
            case WEBHOOK_DISPATCHED:
                return b.ts(1764300000009L);
            case WEBHOOK_DELIVERED:
                return b.ts(1764300000010L).attempt(3);
            case WEBHOOK_FAILED:
                return b.ts(1764300000011L).error("http.500", "receiver said \"no\"\r\nat C:\\x\tend\u0001");
            case WEBHOOK_DEAD_LETTER:
                return b.ts(1764300000012L).attempt(5);
            case READY:
                return b.assetId("Asset_A.b:c~d-9")
                        .projectId("proj:42~x")
                        .ts(Long.MAX_VALUE)
                        .attempt(1_000_000)
                        .stage("deliver")
                        .requestId("!req~\"x\"/{1}");
            case FAILED:
                return b.ts(1764300000014L).error("render.oom", "échec — ошибка 🚀");
            case CANCELLED:
                return b.ts(1764300000015L).error("user.cancelled", "cancelled by user");
            default:
                throw new AssertionError(type);
        }
    }

    /** A builder holding only what {@code type} requires, ready for one field to be broken. */
    static AssetEvent.Builder minimal(final EventType type) {
        final AssetEvent.Builder b = AssetEvent.builder(type)
                .assetId("a1")
                .projectId("p1")
                .ts(1764300000000L)
                .attempt(1)
                .requestId("req-1");
        if (type.stage() == FieldRule.REQUIRED) {
            b.stage("upscale");
        }
        if (type.latencyMs() == FieldRule.REQUIRED) {
            b.latencyMs(812);
        }
        if (type.error() == FieldRule.REQUIRED) {
            b.error("e.code", "message");
        }
        return b;
    }
}
