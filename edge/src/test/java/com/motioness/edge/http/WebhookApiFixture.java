package com.motioness.edge.http;

import com.motioness.edge.log.redis.RedisBackend;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.RedisKeysUnder;
import com.motioness.edge.support.TestEdge;
import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.DeadLetterStore;
import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.Redelivery;
import com.motioness.edge.webhook.store.MemoryDeadLetterStore;
import com.motioness.edge.webhook.store.MemoryEndpointStore;
import com.motioness.edge.webhook.store.RedisDeadLetterStore;
import com.motioness.edge.webhook.store.RedisEndpointStore;
import com.motioness.edge.webhook.store.TargetPolicy;
import com.motioness.edge.webhook.store.WebhookEndpoints;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test edge with the webhook API on, over memory stores ({@code memory}) or Redis stores under a
 * key prefix of its own ({@code redis}), a recording {@link Redelivery}, and the real target policy
 * (https only, internal addresses refused).
 */
final class WebhookApiFixture implements AutoCloseable {
    static final String MEMORY = "memory";
    static final String REDIS = "redis";
    static final String AUTH = "Authorization: Bearer " + TestEdge.INGEST_TOKEN;
    /** A public address written as a literal: resolving it asks no DNS server. */
    static final String URL = "https://93.184.216.34/hooks/motioness";

    final List<DeadLetter> redelivered = new CopyOnWriteArrayList<>();
    final EndpointStore endpoints;
    final DeadLetterStore deadLetters;
    final WebhookEndpoints registry;
    final TestEdge edge;
    private final RedisBackend redis;
    private final String prefix;

    WebhookApiFixture(String stores) throws InterruptedException {
        if (stores.equals(REDIS)) {
            prefix = "mxwhapi-" + UUID.randomUUID().toString().substring(0, 8);
            redis = RedisBackend.connect(TestEdge.REDIS_URL);
            endpoints = new RedisEndpointStore(redis, TestEdge.REDIS_URL, prefix, 4);
            deadLetters = new RedisDeadLetterStore(redis, prefix, 4);
        } else {
            prefix = null;
            redis = null;
            endpoints = new MemoryEndpointStore();
            deadLetters = new MemoryDeadLetterStore();
        }
        Redelivery recording = letter -> {
            redelivered.add(letter);
            return CompletableFuture.completedFuture(null);
        };
        registry = WebhookEndpoints.builder(endpoints, deadLetters, recording, new TargetPolicy(false, false))
                .build();
        edge = TestEdge.start(config -> config, services -> services.webhooks(registry));
    }

    RawResponse call(String method, String path, String body) throws IOException {
        return HttpWire.exchange(edge.port(), HttpWire.request(method, path, body, AUTH));
    }

    static String webhooks(String project) {
        return "/internal/projects/" + project + "/webhooks";
    }

    /** A string field of a JSON answer (the first one of that name), or null. */
    static String field(RawResponse response, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(response.bodyText());
        return m.find() ? m.group(1) : null;
    }

    @Override
    public void close() {
        edge.close();
        registry.close();
        endpoints.close();
        deadLetters.close();
        if (redis != null) {
            redis.close();
            RedisKeysUnder.delete(TestEdge.REDIS_URL, prefix + ":");
        }
    }
}
