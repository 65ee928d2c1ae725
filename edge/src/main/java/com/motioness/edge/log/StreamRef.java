package com.motioness.edge.log;

import java.util.Objects;

/**
 * Names one stream of the event log: the history of one asset, or the activity feed of one
 * project. An asset stream is named by the asset id alone; the log answers which project owns it
 * (see {@link ReplayPage#ownerProjectId()}), so callers authorize after the lookup. A caller that
 * can only ever read one project (the public route knows it from its key) names it as a hint, and
 * a sharded log then looks in that project's shard alone.
 */
public final class StreamRef {
    /** What a stream holds. */
    public enum Kind {
        /** Every event of one asset, ending at its terminal event. */
        ASSET,
        /** Every event of every asset of one project; never ends. */
        PROJECT
    }

    private final Kind kind;
    private final String id;
    private final String projectHint;

    private StreamRef(Kind kind, String id, String projectHint) {
        this.kind = kind;
        this.id = Objects.requireNonNull(id, "id");
        this.projectHint = projectHint;
    }

    /** The stream of one asset, whichever project owns it. */
    public static StreamRef asset(String assetId) {
        return new StreamRef(Kind.ASSET, assetId, null);
    }

    /**
     * The stream of one asset, for a caller that may read only {@code projectId}: a log may answer
     * "not found" for an asset of any other project without looking further.
     */
    public static StreamRef asset(String assetId, String projectId) {
        return new StreamRef(Kind.ASSET, assetId, Objects.requireNonNull(projectId, "projectId"));
    }

    /** The activity stream of one project. */
    public static StreamRef project(String projectId) {
        return new StreamRef(Kind.PROJECT, projectId, projectId);
    }

    /** Whether this is an asset or a project stream. */
    public Kind kind() {
        return kind;
    }

    /** The asset id or the project id. */
    public String id() {
        return id;
    }

    /** The only project the caller may read, or null when it may read several. */
    public String projectHint() {
        return projectHint;
    }

    /** True for an asset stream. */
    public boolean isAsset() {
        return kind == Kind.ASSET;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamRef other
                && kind == other.kind
                && id.equals(other.id)
                && Objects.equals(projectHint, other.projectHint);
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + id.hashCode()) * 31 + Objects.hashCode(projectHint);
    }

    @Override
    public String toString() {
        return (kind == Kind.ASSET ? "asset:" : "project:") + id;
    }
}
