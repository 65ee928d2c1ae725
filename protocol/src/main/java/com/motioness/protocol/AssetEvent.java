package com.motioness.protocol;

import java.util.Objects;

/**
 * One lifecycle event of one asset, as producers send it and clients receive it in {@code data:}.
 * Immutable; built only through {@link Builder#build()}, which applies every rule of the contract,
 * so an {@code AssetEvent} that exists is valid.
 */
public final class AssetEvent {
    private final EventType type;
    private final String assetId;
    private final String projectId;
    private final long ts;
    private final int attempt;
    private final String stage;
    private final long latencyMs;
    private final String errorCode;
    private final String errorMsg;
    private final String requestId;

    private AssetEvent(Builder builder) {
        this.type = builder.type;
        this.assetId = builder.assetId;
        this.projectId = builder.projectId;
        this.ts = builder.ts;
        this.attempt = builder.attempt;
        this.stage = builder.stage;
        this.latencyMs = builder.latencyMs;
        this.errorCode = builder.errorCode;
        this.errorMsg = builder.errorMsg;
        this.requestId = builder.requestId;
    }

    /** Starts an event of this type. */
    public static Builder builder(EventType type) {
        return new Builder(type);
    }

    /** The event type. */
    public EventType type() {
        return type;
    }

    /** The asset this event belongs to. */
    public String assetId() {
        return assetId;
    }

    /** The project that owns the asset. */
    public String projectId() {
        return projectId;
    }

    /** When it happened, epoch milliseconds. */
    public long ts() {
        return ts;
    }

    /** Which attempt of the step this is, from 1. */
    public int attempt() {
        return attempt;
    }

    /** The stage, or null. */
    public String stage() {
        return stage;
    }

    /** True when {@link #latencyMs()} carries a value (every *_completed). */
    public boolean hasLatencyMs() {
        return latencyMs >= 0;
    }

    /** How long the step took, in milliseconds; meaningful only when {@link #hasLatencyMs()}. */
    public long latencyMs() {
        return latencyMs;
    }

    /** The machine-readable error, or null. */
    public String errorCode() {
        return errorCode;
    }

    /** The human-readable error, or null. */
    public String errorMsg() {
        return errorMsg;
    }

    /** The id of the request that produced the event, for tracing. */
    public String requestId() {
        return requestId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AssetEvent other && type == other.type && ts == other.ts && attempt == other.attempt
                && latencyMs == other.latencyMs && assetId.equals(other.assetId)
                && projectId.equals(other.projectId) && Objects.equals(stage, other.stage)
                && Objects.equals(errorCode, other.errorCode) && Objects.equals(errorMsg, other.errorMsg)
                && requestId.equals(other.requestId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, assetId, projectId, ts, attempt, stage, latencyMs, errorCode, errorMsg, requestId);
    }

    @Override
    public String toString() {
        return new String(EventJson.encode(this), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Collects the fields of an event; {@link #build()} validates them. */
    public static final class Builder {
        private final EventType type;
        private String assetId;
        private String projectId;
        private long ts = -1;
        private int attempt = -1;
        private String stage;
        private long latencyMs = -1;
        private String errorCode;
        private String errorMsg;
        private String requestId;

        private Builder(EventType type) {
            this.type = type;
        }

        /** Sets {@code asset_id}. */
        public Builder assetId(String assetId) {
            this.assetId = assetId;
            return this;
        }

        /** Sets {@code project_id}. */
        public Builder projectId(String projectId) {
            this.projectId = projectId;
            return this;
        }

        /** Sets {@code ts}, epoch milliseconds. */
        public Builder ts(long ts) {
            this.ts = ts;
            return this;
        }

        /** Sets {@code attempt}. */
        public Builder attempt(int attempt) {
            this.attempt = attempt;
            return this;
        }

        /** Sets {@code stage} (null: absent). */
        public Builder stage(String stage) {
            this.stage = stage;
            return this;
        }

        /** Sets {@code latency_ms}. */
        public Builder latencyMs(long latencyMs) {
            if (latencyMs < 0) {
                throw new IllegalArgumentException("latency_ms must not be negative");
            }
            this.latencyMs = latencyMs;
            return this;
        }

        /** Sets {@code error_code} and {@code error_msg}, which always go together. */
        public Builder error(String code, String msg) {
            this.errorCode = code;
            this.errorMsg = msg;
            return this;
        }

        /** Sets {@code request_id}. */
        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        /** Validates every field against the contract and the type's rules. */
        public AssetEvent build() throws EventValidationException {
            FieldChecks.required("type", type);
            FieldChecks.id("asset_id", assetId);
            FieldChecks.id("project_id", projectId);
            if (ts <= 0) {
                throw new EventValidationException("ts", ts == -1 ? "ts: required" : "ts: must be positive epoch milliseconds");
            }
            if (attempt < 1 || attempt > FieldChecks.MAX_ATTEMPT) {
                throw new EventValidationException("attempt", attempt == -1 ? "attempt: required"
                        : "attempt: must be between 1 and " + FieldChecks.MAX_ATTEMPT);
            }
            FieldChecks.rule(type.stage(), stage != null, "stage", type);
            if (stage != null) {
                FieldChecks.code("stage", stage);
            }
            FieldChecks.rule(type.latencyMs(), latencyMs >= 0, "latency_ms", type);
            if (latencyMs > FieldChecks.MAX_SAFE_INTEGER) {
                throw new EventValidationException("latency_ms", "latency_ms: larger than 2^53-1");
            }
            if (errorCode != null || errorMsg != null) {
                if (errorCode == null) {
                    throw new EventValidationException("error_code", "error_code: required with error_msg");
                }
                if (errorMsg == null) {
                    throw new EventValidationException("error_msg", "error_msg: required with error_code");
                }
            }
            FieldChecks.rule(type.error(), errorCode != null, "error_code", type);
            if (errorCode != null) {
                FieldChecks.code("error_code", errorCode);
                FieldChecks.errorMsg(errorMsg);
            }
            FieldChecks.requestId(requestId);
            return new AssetEvent(this);
        }
    }
}
