package com.motioness.perf.publish;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import java.nio.charset.StandardCharsets;

/**
 * One event the harness publishes: event {@code seq} of asset number {@code asset}, stamped with
 * the time it was meant to be sent (not when it was), so a publisher that falls behind shows as
 * latency instead of hiding it. The stamp travels in {@code request_id} as
 * {@code perf.<asset>.<seq>.<micros>}, which any SSE server passes through untouched.
 *
 * <p>Number 0 is each asset's {@code queued}, published before streams connect so that the asset
 * exists; the measured events are {@code stage_started} 1, 2, 3…
 */
public record PerfEvent(int asset, String assetId, String projectId, long seq, long intendedMicros) {

    /** The event as JSON, in the contract's field order. */
    public byte[] json() {
        StringBuilder json = new StringBuilder(192)
                .append("{\"type\":\"")
                .append(seq == 0 ? "queued" : "stage_started")
                .append("\",\"asset_id\":\"")
                .append(assetId)
                .append("\",\"project_id\":\"")
                .append(projectId)
                .append("\",\"ts\":")
                .append(intendedMicros / 1000)
                .append(",\"attempt\":1");
        if (seq != 0) {
            json.append(",\"stage\":\"perf\"");
        }
        json.append(",\"request_id\":\"").append(requestId()).append("\"}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The event as the protocol's type, for publishers that take one. */
    public AssetEvent toAssetEvent() throws EventValidationException {
        AssetEvent.Builder builder = AssetEvent.builder(seq == 0 ? EventType.QUEUED : EventType.STAGE_STARTED)
                .assetId(assetId)
                .projectId(projectId)
                .ts(intendedMicros / 1000)
                .attempt(1)
                .requestId(requestId());
        if (seq != 0) {
            builder.stage("perf");
        }
        return builder.build();
    }

    private String requestId() {
        return "perf." + asset + "." + seq + "." + intendedMicros;
    }
}
