package com.motioness.edge.webhook.store;

import static com.motioness.edge.webhook.store.StoreFixture.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Poll;
import com.motioness.edge.support.TestEdge;
import com.motioness.edge.webhook.EndpointSecret;
import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.WebhookEndpoint;
import com.motioness.protocol.webhook.WebhookSecret;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointStoresTest {
    private final StoreFixture fixture = new StoreFixture();
    private final List<EndpointStore> opened = new java.util.ArrayList<>();

    private EndpointStore open(String kind) {
        EndpointStore store = kind.equals(StoreFixture.MEMORY)
                ? new MemoryEndpointStore()
                : new RedisEndpointStore(fixture.redis(), TestEdge.REDIS_URL, fixture.prefix, StoreFixture.SHARDS);
        opened.add(store);
        return store;
    }

    @AfterEach
    void close() {
        opened.forEach(EndpointStore::close);
        fixture.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {StoreFixture.MEMORY, StoreFixture.REDIS})
    void keepsEndpointsPerProjectOldestFirst(String kind) throws Exception {
        EndpointStore store = open(kind);
        WebhookEndpoint newer = endpoint("p1", "ep_b", 2_000);
        WebhookEndpoint older = endpoint("p1", "ep_a", 1_000);
        store.put(newer).get(5, TimeUnit.SECONDS);
        store.put(older).get(5, TimeUnit.SECONDS);
        store.put(endpoint("p2", "ep_c", 500)).get(5, TimeUnit.SECONDS);

        List<WebhookEndpoint> listed = store.list("p1").get(5, TimeUnit.SECONDS);
        assertEquals(
                List.of("ep_a", "ep_b"),
                listed.stream().map(WebhookEndpoint::id).toList());
        WebhookEndpoint read = listed.get(0);
        assertEquals(older.url(), read.url());
        assertEquals(older.eventTypes(), read.eventTypes());
        assertEquals(older.secrets(), read.secrets());
        assertEquals(older.createdMs(), read.createdMs());
        assertTrue(read.enabled());
        // Another project's endpoint is not there by its id.
        assertNull(store.get("p1", "ep_c").get(5, TimeUnit.SECONDS));
        assertEquals(List.of(), store.list("nobody").get(5, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @ValueSource(strings = {StoreFixture.MEMORY, StoreFixture.REDIS})
    void replacesAndDeletes(String kind) throws Exception {
        EndpointStore store = open(kind);
        WebhookEndpoint endpoint = endpoint("p1", "ep_a", 1_000);
        store.put(endpoint).get(5, TimeUnit.SECONDS);
        List<EndpointSecret> rotated = List.of(
                new EndpointSecret(WebhookSecret.generate(), 0),
                new EndpointSecret(endpoint.secrets().get(0).secret(), 99_000));
        store.put(endpoint.withEnabled(false).withSecrets(rotated)).get(5, TimeUnit.SECONDS);

        WebhookEndpoint read = store.get("p1", "ep_a").get(5, TimeUnit.SECONDS);
        assertFalse(read.enabled());
        assertEquals(rotated, read.secrets());
        assertEquals(99_000, read.secrets().get(1).expiresMs());

        assertFalse(store.delete("p2", "ep_a").get(5, TimeUnit.SECONDS), "another project's id");
        assertTrue(store.delete("p1", "ep_a").get(5, TimeUnit.SECONDS));
        assertFalse(store.delete("p1", "ep_a").get(5, TimeUnit.SECONDS));
        assertNull(store.get("p1", "ep_a").get(5, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @ValueSource(strings = {StoreFixture.MEMORY, StoreFixture.REDIS})
    void tellsListenersOfEveryChange(String kind) throws Exception {
        EndpointStore store = open(kind);
        List<String> changed = new CopyOnWriteArrayList<>();
        store.onChange(changed::add);
        store.put(endpoint("p1", "ep_a", 1)).get(5, TimeUnit.SECONDS);
        store.delete("p1", "ep_a").get(5, TimeUnit.SECONDS);
        store.delete("p1", "ep_a").get(5, TimeUnit.SECONDS);
        Poll.until(() -> changed.size() >= 2, Duration.ofSeconds(5), "two change notices");
        assertTrue(changed.stream().allMatch("p1"::equals), changed.toString());
    }

    @Test
    void anotherProcessHearsAChangeAtOnce() throws Exception {
        EndpointStore writer = open(StoreFixture.REDIS);
        // A second store on its own connections stands for another node.
        StoreFixture other = new StoreFixture();
        try (RedisEndpointStore reader =
                new RedisEndpointStore(other.redis(), TestEdge.REDIS_URL, fixture.prefix, StoreFixture.SHARDS)) {
            List<String> heard = new CopyOnWriteArrayList<>();
            reader.onChange(heard::add);
            writer.put(endpoint("p9", "ep_a", 1)).get(5, TimeUnit.SECONDS);
            Poll.until(() -> heard.contains("p9"), Duration.ofSeconds(5), "the other node hears p9's change");
            assertEquals(
                    "ep_a", reader.get("p9", "ep_a").get(5, TimeUnit.SECONDS).id());
        } finally {
            other.redis().close();
        }
    }

    @Test
    void keepsEachProjectInItsShardsSlot() throws Exception {
        RedisEndpointStore store = (RedisEndpointStore) open(StoreFixture.REDIS);
        int shard = new com.motioness.protocol.redis.RedisKeys(fixture.prefix, StoreFixture.SHARDS).shardOf("p1");
        assertEquals(fixture.prefix + ":{" + shard + "}:webhooks:endpoints:p1", store.key("p1"));
        store.put(endpoint("p1", "ep_a", 1)).get(5, TimeUnit.SECONDS);
        assertEquals(1L, fixture.redis().async().hlen(store.key("p1")).get(5, TimeUnit.SECONDS));
    }
}
