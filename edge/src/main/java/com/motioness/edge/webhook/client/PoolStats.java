package com.motioness.edge.webhook.client;

/**
 * One origin's pool at a moment.
 *
 * @param opened connections opened since the pool was made (connect started)
 * @param open connections connecting, busy or idle now
 * @param idle connections idle in the pool
 * @param queued attempts waiting for a connection
 */
record PoolStats(long opened, int open, int idle, int queued) {}
