package com.motioness.edge.support;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.FieldRule;
import java.util.concurrent.atomic.AtomicLong;

/** Valid events of any type for tests, with every field its type requires. */
public final class Events {
    private static final AtomicLong REQUESTS = new AtomicLong();

    private Events() {}

    /** A valid event of this type for the asset and project. */
    public static AssetEvent of(EventType type, String projectId, String assetId) {
        return of(type, projectId, assetId, "req-" + REQUESTS.incrementAndGet());
    }

    /** A valid event of this type for the asset and project, with this request_id. */
    public static AssetEvent of(EventType type, String projectId, String assetId, String requestId) {
        AssetEvent.Builder builder = AssetEvent.builder(type)
                .assetId(assetId)
                .projectId(projectId)
                .ts(1_764_300_000_000L)
                .attempt(1)
                .requestId(requestId);
        if (type.stage() == FieldRule.REQUIRED) {
            builder.stage("render");
        }
        if (type.latencyMs() == FieldRule.REQUIRED) {
            builder.latencyMs(812);
        }
        if (type.error() == FieldRule.REQUIRED) {
            builder.error("GPU_OOM", "worker ran out of GPU memory");
        }
        try {
            return builder.build();
        } catch (EventValidationException e) {
            throw new AssertionError(e);
        }
    }

    /** The JSON of a valid event, as ingest takes it. */
    public static String json(EventType type, String projectId, String assetId) {
        return new String(
                com.motioness.protocol.EventJson.encode(of(type, projectId, assetId)),
                java.nio.charset.StandardCharsets.UTF_8);
    }
}
