package com.motioness.edge.log;

import java.util.Objects;

/**
 * Names one stream of the event log: the history of one asset, or the activity feed of one
 * project. An asset stream is named by the asset id alone; the log answers which project owns it
 * (see {@link ReplayPage#ownerProjectId()}), so callers authorize after the lookup.
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

    private StreamRef(Kind kind, String id) {
        this.kind = kind;
        this.id = Objects.requireNonNull(id, "id");
    }

    /** The stream of one asset. */
    public static StreamRef asset(String assetId) {
        return new StreamRef(Kind.ASSET, assetId);
    }

    /** The activity stream of one project. */
    public static StreamRef project(String projectId) {
        return new StreamRef(Kind.PROJECT, projectId);
    }

    /** Whether this is an asset or a project stream. */
    public Kind kind() {
        return kind;
    }

    /** The asset id or the project id. */
    public String id() {
        return id;
    }

    /** True for an asset stream. */
    public boolean isAsset() {
        return kind == Kind.ASSET;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamRef other && kind == other.kind && id.equals(other.id);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + id.hashCode();
    }

    @Override
    public String toString() {
        return (kind == Kind.ASSET ? "asset:" : "project:") + id;
    }
}
