package com.motioness.edge.webhook.store;

import com.motioness.edge.log.redis.RedisBackend;
import com.motioness.edge.support.RedisKeysUnder;
import com.motioness.edge.support.TestEdge;
import com.motioness.edge.webhook.EndpointSecret;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.protocol.EventType;
import com.motioness.protocol.webhook.WebhookSecret;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The shared Redis under a key prefix of its own (deleted on close), and endpoints to store. */
final class StoreFixture implements AutoCloseable {
    static final String REDIS = "redis";
    static final String MEMORY = "memory";
    static final int SHARDS = 4;

    final String prefix = "mxwh-" + UUID.randomUUID().toString().substring(0, 8);
    private RedisBackend redis;

    RedisBackend redis() {
        if (redis == null) {
            redis = RedisBackend.connect(TestEdge.REDIS_URL);
        }
        return redis;
    }

    static WebhookEndpoint endpoint(String project, String id, long createdMs) {
        return new WebhookEndpoint(
                id,
                project,
                "https://hooks.example.com/" + id,
                Set.of(EventType.READY, EventType.FAILED),
                true,
                List.of(new EndpointSecret(WebhookSecret.generate(), 0)),
                createdMs);
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
            RedisKeysUnder.delete(TestEdge.REDIS_URL, prefix + ":");
        }
    }
}
