package com.motioness.protocol.redis;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The key layout of the log on Redis. Events are sharded by project into K shards; every key of a
 * shard carries the hash tag {@code {<shard>}}, so one publish touches one Cluster slot and the
 * same layout runs on one Redis or on a Cluster. A producer in any language finds a project's
 * shard as {@code crc32(utf8(project_id)) mod K}.
 */
public final class RedisKeys {
    private final int shards;
    /** {@code <prefix>:{<shard>}} of each shard: every key starts with one, and keys are made per event. */
    private final String[] bases;

    /**
     * @param prefix the first part of every key, e.g. {@code mx}
     * @param shards K, at least 1
     */
    public RedisKeys(String prefix, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1");
        }
        this.shards = shards;
        this.bases = new String[shards];
        for (int shard = 0; shard < shards; shard++) {
            bases[shard] = prefix + ":{" + shard + "}";
        }
    }

    /** K. */
    public int shards() {
        return shards;
    }

    /** The shard of a project. */
    public int shardOf(String projectId) {
        CRC32 crc = new CRC32();
        crc.update(projectId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }

    private String base(int shard) {
        return bases[shard];
    }

    /** The stream of every event of a shard, which edge nodes read. */
    public String firehose(int shard) {
        return base(shard) + ":firehose";
    }

    /**
     * The shard's meta hash: {@code shards}, the K every edge and producer of this prefix must use,
     * stored by the first of them and checked by every publish.
     */
    public String meta(int shard) {
        return base(shard) + ":meta";
    }

    /** A project's activity stream. */
    public String project(int shard, String projectId) {
        return base(shard) + ":project:" + projectId;
    }

    /** An asset's stream. */
    public String asset(int shard, String assetId) {
        return base(shard) + ":asset:" + assetId;
    }

    /**
     * The record of a batch stored with an idempotency key: its digest and ids, kept for the
     * idempotency window.
     */
    public String idempotency(int shard, String key) {
        return base(shard) + ":idempotency:" + key;
    }

    /**
     * A key of the shard's own slot for another part of the system, e.g. the webhook dispatcher's
     * due retries: {@code <prefix>:{<shard>}:<name>}.
     */
    public String ofShard(int shard, String name) {
        return base(shard) + ":" + name;
    }

    /** The string naming the project that owns an asset. */
    public String owner(int shard, String assetId) {
        return base(shard) + ":owner:" + assetId;
    }
}
