package com.motioness.protocol.redis;

/**
 * What a shard's meta hash ({@link RedisKeys#meta(int)}) holds.
 *
 * @param shards K, the shard count every edge and producer of the prefix must use
 * @param epochMillis the Redis time, in milliseconds, at which the shard's current history began:
 *     a Redis that lost its data (restarted without persistence, emptied, replaced) gets a new one,
 *     and events before it are gone; 0 when the history began before the log recorded epochs
 */
public record ShardMeta(int shards, long epochMillis) {}
