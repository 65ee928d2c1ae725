/**
 * The webhook dispatcher: turns logged events into jobs (one per endpoint that receives the event),
 * sends their attempts through a {@link com.motioness.edge.webhook.WebhookSender}, retries them on
 * a schedule, parks failing endpoints, and records every attempt as {@code webhook_*} events in the
 * log. Jobs live in memory (embedded mode) or in Redis beside their project's shard (Redis mode),
 * where several dispatchers share them through one consumer group and leases.
 */
package com.motioness.edge.webhook.dispatch;
