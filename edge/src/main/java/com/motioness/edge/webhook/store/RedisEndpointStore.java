package com.motioness.edge.webhook.store;

import com.motioness.edge.log.redis.RedisBackend;
import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of Redis mode: a hash per project, {@code <prefix>:{<shard>}:webhooks:endpoints:<project>}
 * (endpoint id to its JSON, secrets included), in the slot of the project's shard. A change is
 * announced on the channel {@code <prefix>:webhooks:changed} (message: the project id), which every
 * process subscribes to, so each drops its cached endpoints of that project at once.
 *
 * <p>Listeners run on Lettuce's pub/sub thread: they must be quick (drop a cache entry). A notice
 * published while this process's subscription was reconnecting is missed; cached endpoints then
 * last until the next change of that project.
 */
public final class RedisEndpointStore implements EndpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisEndpointStore.class);

    private final RedisBackend redis;
    private final RedisKeys keys;
    private final String channel;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final AutoCloseable pubSubClient;
    private final StatefulRedisPubSubConnection<String, String> subscription;

    /**
     * Subscribes to the change notices of {@code prefix}.
     *
     * @param redis the node's Redis, for the hashes and the notices it publishes
     * @param redisUri the same Redis's URI: the subscription needs a connection of its own
     */
    public RedisEndpointStore(RedisBackend redis, String redisUri, String prefix, int shards) {
        this.redis = redis;
        this.keys = new RedisKeys(prefix, shards);
        this.channel = prefix + ":webhooks:changed";
        RedisURI uri = RedisURI.create(redisUri);
        if (redis.isCluster()) {
            // Pub/sub messages travel the whole Cluster bus: any node's subscription hears them.
            RedisClusterClient client = RedisClusterClient.create(uri);
            pubSubClient = client::shutdown;
            subscription = client.connectPubSub(StringCodec.UTF8);
        } else {
            RedisClient client = RedisClient.create(uri);
            pubSubClient = client::shutdown;
            subscription = client.connectPubSub(StringCodec.UTF8);
        }
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String projectId) {
                if (channel.equals(from)) {
                    notifyListeners(projectId);
                }
            }
        });
        subscription.sync().subscribe(channel);
    }

    /** The hash of a project's endpoints, in its shard's slot. */
    String key(String projectId) {
        return keys.ofShard(keys.shardOf(projectId), "webhooks:endpoints:" + projectId);
    }

    @Override
    public CompletableFuture<List<WebhookEndpoint>> list(String projectId) {
        return redis.async().hgetall(key(projectId)).toCompletableFuture().thenApply(RedisEndpointStore::decodeAll);
    }

    private static List<WebhookEndpoint> decodeAll(Map<String, byte[]> documents) {
        List<WebhookEndpoint> endpoints = new ArrayList<>(documents.size());
        for (byte[] document : documents.values()) {
            endpoints.add(StoredJson.endpoint(document));
        }
        endpoints.sort(MemoryEndpointStore.OLDEST_FIRST);
        return endpoints;
    }

    @Override
    public CompletableFuture<WebhookEndpoint> get(String projectId, String endpointId) {
        return redis.async()
                .hget(key(projectId), endpointId)
                .toCompletableFuture()
                .thenApply(document -> document == null ? null : StoredJson.endpoint(document));
    }

    @Override
    public CompletableFuture<Void> put(WebhookEndpoint endpoint) {
        return redis.async()
                .hset(key(endpoint.projectId()), endpoint.id(), StoredJson.endpoint(endpoint))
                .toCompletableFuture()
                .thenCompose(added -> announce(endpoint.projectId()));
    }

    @Override
    public CompletableFuture<Boolean> delete(String projectId, String endpointId) {
        return redis.async()
                .hdel(key(projectId), endpointId)
                .toCompletableFuture()
                .thenCompose(removed -> removed > 0
                        ? announce(projectId).thenApply(published -> true)
                        : CompletableFuture.completedFuture(false));
    }

    private CompletableFuture<Void> announce(String projectId) {
        // This process hears its own notice too; telling its listeners now as well spares its
        // dispatcher a round trip (a second drop of a cache entry costs nothing).
        notifyListeners(projectId);
        return redis.async()
                .publish(channel, projectId.getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture()
                .thenApply(receivers -> null);
    }

    @Override
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    private void notifyListeners(String projectId) {
        for (Consumer<String> listener : listeners) {
            try {
                listener.accept(projectId);
            } catch (RuntimeException e) {
                LOG.warn("a webhook endpoint listener failed for project {}", projectId, e);
            }
        }
    }

    @Override
    public void close() {
        listeners.clear();
        subscription.close();
        try {
            pubSubClient.close();
        } catch (Exception e) {
            LOG.debug("closing the webhook change subscription", e);
        }
    }
}
