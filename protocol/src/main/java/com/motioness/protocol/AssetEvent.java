package com.motioness.protocol;

import java.util.Objects;

/**
 * One event in an asset's lifecycle, as producers publish it and EventSource clients receive it.
 *
 * <p>Instances are immutable and always valid: the only way to make one is {@link Builder#build()},
 * which applies every rule of the contract (the same rules {@link EventJson} applies when decoding),
 * so code that holds an {@code AssetEvent} never re-checks it.
 */
public final class AssetEvent {
    private final EventType type;
    private final String assetId;
    private final String projectId;
    private final long ts;
    private final int attempt;
    private final String stage;
    private final boolean hasLatencyMs;
    private final long latencyMs;
    private final String errorCode;
    private final String errorMsg;
    private final String requestId;

    private AssetEvent(final Builder b) {
        this.type = b.type;
        this.assetId = b.assetId;
        this.projectId = b.projectId;
        this.ts = b.ts;
        this.attempt = b.attempt;
        this.stage = b.stage;
        this.hasLatencyMs = b.hasLatencyMs;
        this.latencyMs = b.hasLatencyMs ? b.latencyMs : 0;
        this.errorCode = b.errorCode;
        this.errorMsg = b.errorMsg;
        this.requestId = b.requestId;
    }

    /**
     * Whether a string could be an asset or project id: 1 to 128 characters of
     * {@code A-Z a-z 0-9 . _ : ~ -}. Lets a server refuse an impossible id from a URL before any
     * lookup.
     *
     * @param id the candidate, may be null
     * @return true when it follows the id rule of {@code asset_id} and {@code project_id}
     */
    public static boolean isValidId(final String id) {
        return id != null
                && !id.isEmpty()
                && id.length() <= Field.ASSET_ID.maxLength
                && Field.ASSET_ID.allowed.indexOfNonMember(id) < 0;
    }

    /**
     * Starts building an event of the given type.
     *
     * @param type the event type; null is accepted here and rejected by {@link Builder#build()}
     * @return a new builder with no fields set
     */
    public static Builder builder(final EventType type) {
        return new Builder(type);
    }

    /**
     * Returns the event type ({@code type}).
     *
     * @return the type, never null
     */
    public EventType type() {
        return type;
    }

    /**
     * Returns the asset the event is about ({@code asset_id}).
     *
     * @return 1 to 128 characters from {@code [A-Za-z0-9._:~-]}
     */
    public String assetId() {
        return assetId;
    }

    /**
     * Returns the project that owns the asset ({@code project_id}).
     *
     * @return 1 to 128 characters from {@code [A-Za-z0-9._:~-]}
     */
    public String projectId() {
        return projectId;
    }

    /**
     * Returns when the event happened ({@code ts}).
     *
     * @return epoch milliseconds, greater than zero
     */
    public long ts() {
        return ts;
    }

    /**
     * Returns which attempt of the asset's processing emitted the event ({@code attempt}).
     *
     * @return 1 to 1,000,000
     */
    public int attempt() {
        return attempt;
    }

    /**
     * Returns the processing stage ({@code stage}).
     *
     * @return 1 to 64 characters from {@code [A-Za-z0-9._:-]}, or null when absent
     */
    public String stage() {
        return stage;
    }

    /**
     * Tells whether the event carries {@code latency_ms}.
     *
     * @return true if {@link #latencyMs()} is meaningful
     */
    public boolean hasLatencyMs() {
        return hasLatencyMs;
    }

    /**
     * Returns how long the completed step took ({@code latency_ms}).
     *
     * @return milliseconds, 0 to 2<sup>53</sup>-1; 0 when {@link #hasLatencyMs()} is false
     */
    public long latencyMs() {
        return latencyMs;
    }

    /**
     * Returns the machine-readable failure reason ({@code error_code}).
     *
     * @return 1 to 64 characters from {@code [A-Za-z0-9._:-]}, or null when absent
     */
    public String errorCode() {
        return errorCode;
    }

    /**
     * Returns the human-readable failure reason ({@code error_msg}); present exactly when
     * {@link #errorCode()} is.
     *
     * @return 1 to 2048 UTF-16 code units of well-formed Unicode without NUL, or null when absent
     */
    public String errorMsg() {
        return errorMsg;
    }

    /**
     * Returns the id of the request that caused the event, for correlating logs ({@code request_id}).
     *
     * @return 1 to 128 printable ASCII characters (0x21 to 0x7E)
     */
    public String requestId() {
        return requestId;
    }

    /**
     * Compares every field.
     *
     * @param o the other object
     * @return true if {@code o} is an {@code AssetEvent} with equal fields
     */
    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AssetEvent)) {
            return false;
        }
        final AssetEvent that = (AssetEvent) o;
        return type == that.type
                && ts == that.ts
                && attempt == that.attempt
                && hasLatencyMs == that.hasLatencyMs
                && latencyMs == that.latencyMs
                && assetId.equals(that.assetId)
                && projectId.equals(that.projectId)
                && requestId.equals(that.requestId)
                && Objects.equals(stage, that.stage)
                && Objects.equals(errorCode, that.errorCode)
                && Objects.equals(errorMsg, that.errorMsg);
    }

    /**
     * Hashes every field.
     *
     * @return a hash consistent with {@link #equals(Object)}
     */
    @Override
    public int hashCode() {
        return Objects.hash(
                type, assetId, projectId, ts, attempt, stage, hasLatencyMs, latencyMs, errorCode, errorMsg, requestId);
    }

    /**
     * Describes the event for logs and test failures; absent optional fields are left out.
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
        final StringBuilder s = new StringBuilder(160)
                .append("AssetEvent{type=")
                .append(type.wireName())
                .append(", assetId=")
                .append(assetId)
                .append(", projectId=")
                .append(projectId)
                .append(", ts=")
                .append(ts)
                .append(", attempt=")
                .append(attempt);
        if (stage != null) {
            s.append(", stage=").append(stage);
        }
        if (hasLatencyMs) {
            s.append(", latencyMs=").append(latencyMs);
        }
        if (errorCode != null) {
            s.append(", errorCode=").append(errorCode).append(", errorMsg=").append(errorMsg);
        }
        return s.append(", requestId=").append(requestId).append('}').toString();
    }

    /**
     * Collects the fields of an {@link AssetEvent}; {@link #build()} validates them all at once.
     *
     * <p>Setters accept anything (null means absent) so that {@code build()} can report the first
     * problem by field name, in wire order. A builder is not thread-safe; it may be reused, and
     * each {@code build()} returns a new event.
     */
    public static final class Builder {
        private EventType type;
        private String assetId;
        private String projectId;
        private boolean hasTs;
        private long ts;
        private boolean hasAttempt;
        private int attempt;
        private String stage;
        private boolean hasLatencyMs;
        private long latencyMs;
        private String errorCode;
        private String errorMsg;
        private String requestId;

        private Builder(final EventType type) {
            this.type = type;
        }

        /** Sets the type; the JSON decoder learns it only after reading every field. */
        Builder type(final EventType type) {
            this.type = type;
            return this;
        }

        /**
         * Sets {@code asset_id}.
         *
         * @param assetId the asset id, or null for absent
         * @return this builder
         */
        public Builder assetId(final String assetId) {
            this.assetId = assetId;
            return this;
        }

        /**
         * Sets {@code project_id}.
         *
         * @param projectId the project id, or null for absent
         * @return this builder
         */
        public Builder projectId(final String projectId) {
            this.projectId = projectId;
            return this;
        }

        /**
         * Sets {@code ts}.
         *
         * @param ts epoch milliseconds
         * @return this builder
         */
        public Builder ts(final long ts) {
            this.hasTs = true;
            this.ts = ts;
            return this;
        }

        /**
         * Sets {@code attempt}.
         *
         * @param attempt the attempt number, starting at 1
         * @return this builder
         */
        public Builder attempt(final int attempt) {
            this.hasAttempt = true;
            this.attempt = attempt;
            return this;
        }

        /**
         * Sets {@code stage}.
         *
         * @param stage the stage name, or null for absent
         * @return this builder
         */
        public Builder stage(final String stage) {
            this.stage = stage;
            return this;
        }

        /**
         * Sets {@code latency_ms}.
         *
         * @param latencyMs the latency in milliseconds
         * @return this builder
         */
        public Builder latencyMs(final long latencyMs) {
            this.hasLatencyMs = true;
            this.latencyMs = latencyMs;
            return this;
        }

        /**
         * Sets {@code error_code} and {@code error_msg}, which the contract keeps together.
         *
         * @param code the error code, or null for absent
         * @param msg the error message, or null for absent
         * @return this builder
         */
        public Builder error(final String code, final String msg) {
            this.errorCode = code;
            this.errorMsg = msg;
            return this;
        }

        /**
         * Sets {@code request_id}.
         *
         * @param requestId the request id, or null for absent
         * @return this builder
         */
        public Builder requestId(final String requestId) {
            this.requestId = requestId;
            return this;
        }

        /**
         * Validates every field and creates the event.
         *
         * <p>Fields are checked in wire order and the first problem is reported: a required field
         * that is absent, a field the type forbids, or a value outside its field's rule.
         *
         * @return the event
         * @throws EventValidationException naming the first field that breaks the contract
         */
        public AssetEvent build() throws EventValidationException {
            if (type == null) {
                throw Field.TYPE.error("required");
            }
            Field.ASSET_ID.checkText(required(Field.ASSET_ID, assetId));
            Field.PROJECT_ID.checkText(required(Field.PROJECT_ID, projectId));
            if (!hasTs) {
                throw Field.TS.error("required");
            }
            Field.TS.checkRange(ts);
            if (!hasAttempt) {
                throw Field.ATTEMPT.error("required");
            }
            Field.ATTEMPT.checkRange(attempt);
            if (checkPresence(Field.STAGE, type.stage(), stage != null)) {
                Field.STAGE.checkText(stage);
            }
            if (checkPresence(Field.LATENCY_MS, type.latencyMs(), hasLatencyMs)) {
                Field.LATENCY_MS.checkRange(latencyMs);
            }
            checkErrorPair();
            Field.REQUEST_ID.checkText(required(Field.REQUEST_ID, requestId));
            return new AssetEvent(this);
        }

        private void checkErrorPair() throws EventValidationException {
            final boolean hasCode = checkPresence(Field.ERROR_CODE, type.error(), errorCode != null);
            final boolean hasMsg = checkPresence(Field.ERROR_MSG, type.error(), errorMsg != null);
            if (hasCode && !hasMsg) {
                throw Field.ERROR_MSG.error("required when error_code is present");
            }
            if (hasMsg && !hasCode) {
                throw Field.ERROR_CODE.error("required when error_msg is present");
            }
            if (hasCode) {
                Field.ERROR_CODE.checkText(errorCode);
                Field.ERROR_MSG.checkText(errorMsg);
            }
        }

        private static String required(final Field field, final String value) throws EventValidationException {
            if (value == null) {
                throw field.error("required");
            }
            return value;
        }

        /** Applies the type's rule for {@code field}; returns whether the field is present. */
        private boolean checkPresence(final Field field, final FieldRule rule, final boolean present)
                throws EventValidationException {
            if (present && rule == FieldRule.FORBIDDEN) {
                throw field.error("not allowed on " + type.wireName());
            }
            if (!present && rule == FieldRule.REQUIRED) {
                throw field.error("required on " + type.wireName());
            }
            return present;
        }
    }
}
