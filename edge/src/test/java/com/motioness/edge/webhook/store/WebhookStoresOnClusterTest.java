package com.motioness.edge.webhook.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.motioness.edge.log.redis.RedisBackend;
import com.motioness.edge.support.DeadLetters;
import com.motioness.edge.support.OwnRedisCluster;
import com.motioness.edge.support.Poll;
import com.motioness.edge.webhook.DeadLetter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis stores on a Cluster: each project's keys share its shard's slot (the Lua scripts touch
 * two keys, which a Cluster allows only within one slot), and a change notice reaches a node
 * subscribed through another master.
 */
class WebhookStoresOnClusterTest {
    private static final int SHARDS = 8;
    private static final int PROJECTS = 12;

    @Test
    void storesEveryProjectAndAnnouncesChangesAcrossTheCluster(@TempDir Path dir) throws Exception {
        try (OwnRedisCluster cluster = OwnRedisCluster.start(dir);
                RedisBackend nodeA = RedisBackend.connect(cluster.url());
                RedisBackend nodeB = RedisBackend.connect(cluster.url());
                RedisEndpointStore writer = new RedisEndpointStore(nodeA, cluster.url(), "mx", SHARDS);
                RedisEndpointStore reader = new RedisEndpointStore(nodeB, cluster.url(), "mx", SHARDS);
                RedisDeadLetterStore deadLetters = new RedisDeadLetterStore(nodeA, "mx", SHARDS, 2)) {
            // The edge's log opens the shared connection's node connections at start (its function
            // load); these bare backends open them here, so no first command meets one still connecting.
            warm(nodeA, writer);
            warm(nodeB, reader);
            Set<String> heard = ConcurrentHashMap.newKeySet();
            reader.onChange(heard::add);
            for (int p = 0; p < PROJECTS; p++) {
                String project = "cp" + p;
                writer.put(StoreFixture.endpoint(project, "ep_" + p, p)).get(5, TimeUnit.SECONDS);
                for (int i = 0; i < 3; i++) {
                    deadLetters.add(DeadLetters.of(project, "msg_" + i, i)).get(5, TimeUnit.SECONDS);
                }
            }
            Poll.until(() -> heard.size() == PROJECTS, Duration.ofSeconds(10), "every project's notice on node B");
            for (int p = 0; p < PROJECTS; p++) {
                String project = "cp" + p;
                assertEquals(
                        "ep_" + p,
                        reader.get(project, "ep_" + p).get(5, TimeUnit.SECONDS).id());
                List<DeadLetter> kept = deadLetters.list(project, 10).get(5, TimeUnit.SECONDS);
                assertEquals(
                        List.of("msg_1", "msg_2"),
                        kept.stream().map(DeadLetter::messageId).toList());
                assertEquals(
                        "msg_1",
                        deadLetters
                                .take(project, "msg_1")
                                .get(5, TimeUnit.SECONDS)
                                .messageId());
                assertNull(deadLetters.take(project, "msg_1").get(5, TimeUnit.SECONDS));
            }
            assertEquals(PROJECTS, deadLetters.dropped());
        }
    }

    private static void warm(RedisBackend redis, RedisEndpointStore store) throws InterruptedException {
        for (int p = 0; p < PROJECTS; p++) {
            String key = store.key("cp" + p);
            Poll.until(
                    () -> {
                        try {
                            redis.async().hlen(key).get(1, TimeUnit.SECONDS);
                            return true;
                        } catch (Exception stillConnecting) {
                            return false;
                        }
                    },
                    Duration.ofSeconds(10),
                    "a connection to the node of " + key);
        }
    }
}
