package com.motioness.edge.log.redis;

import java.time.Duration;

/**
 * What the Redis log keeps: approximate stream lengths (MAXLEN ~), how long an asset's stream
 * lives after its last event while running and after its terminal event, and how long a batch's
 * idempotency key is remembered.
 *
 * @param firehoseLength entries each shard's firehose keeps
 * @param streamLength entries each asset and project stream keeps
 * @param runningTtl lifetime of a running asset after its last event
 * @param finishedTtl lifetime of a finished asset after its terminal event
 * @param idempotencyWindow how long an idempotency key is remembered
 */
public record RedisRetention(
        int firehoseLength, int streamLength, Duration runningTtl, Duration finishedTtl, Duration idempotencyWindow) {}
