package com.motioness.edge.support;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * One asset's realistic lifecycle, as a producer publishes it: queued, vision, four stages (render
 * fails once with GPU_OOM and is retried), the storage write, a webhook that fails once, ready.
 * Each event's {@code ts} is the time it is built.
 */
public final class Lifecycle {
    /** Its stages, in order. */
    public static final List<String> STAGES = List.of("storyboard", "render", "upscale", "encode");

    private Lifecycle() {}

    /** The whole lifecycle, from {@code queued} to {@code ready}: 19 events. */
    public static List<AssetEvent> of(String projectId, String assetId) {
        List<AssetEvent> events = new ArrayList<>();
        events.add(event(projectId, assetId, EventType.QUEUED, 1, null, -1, null));
        events.add(event(projectId, assetId, EventType.VISION_STARTED, 1, null, -1, null));
        events.add(event(projectId, assetId, EventType.VISION_COMPLETED, 1, null, 300, null));
        for (int i = 0; i < STAGES.size(); i++) {
            String stage = STAGES.get(i);
            events.add(event(projectId, assetId, EventType.STAGE_STARTED, 1, stage, -1, null));
            if (stage.equals("render")) {
                events.add(event(projectId, assetId, EventType.STAGE_FAILED, 1, stage, -1, "GPU_OOM"));
                events.add(event(projectId, assetId, EventType.RETRY_SCHEDULED, 2, stage, -1, null));
                events.add(event(projectId, assetId, EventType.STAGE_STARTED, 2, stage, -1, null));
                events.add(event(projectId, assetId, EventType.STAGE_COMPLETED, 2, stage, 1520, null));
            } else {
                events.add(event(projectId, assetId, EventType.STAGE_COMPLETED, 1, stage, 300 + 110 * (i + 1), null));
            }
        }
        events.add(event(projectId, assetId, EventType.R2_WRITE_COMPLETED, 1, null, 120, null));
        events.add(event(projectId, assetId, EventType.WEBHOOK_DISPATCHED, 1, null, -1, null));
        events.add(event(projectId, assetId, EventType.WEBHOOK_FAILED, 1, null, -1, "HTTP_502"));
        events.add(event(projectId, assetId, EventType.WEBHOOK_DELIVERED, 2, null, -1, null));
        events.add(event(projectId, assetId, EventType.READY, 2, null, -1, null));
        return events;
    }

    private static AssetEvent event(
            String projectId, String assetId, EventType type, int attempt, String stage, long latencyMs, String error) {
        AssetEvent.Builder builder = AssetEvent.builder(type)
                .assetId(assetId)
                .projectId(projectId)
                .ts(System.currentTimeMillis())
                .attempt(attempt)
                .requestId("req-" + type.wireName() + "-" + attempt);
        if (stage != null) {
            builder.stage(stage);
        }
        if (latencyMs >= 0) {
            builder.latencyMs(latencyMs);
        }
        if (error != null) {
            builder.error(error, "the " + error + " error");
        }
        try {
            return builder.build();
        } catch (EventValidationException e) {
            throw new AssertionError(e);
        }
    }
}
