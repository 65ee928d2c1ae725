package com.motioness.edge.log.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.OwnRedisCluster;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import com.motioness.protocol.redis.RedisKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same layout on a 3-master Redis Cluster with K=8 shards: every shard's keys in one slot. */
class RedisClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String AUTH = "Authorization: Bearer " + TestEdge.INGEST_TOKEN;
    private static final int PROJECTS = 12;

    private static Map<String, String> projectKeys() {
        Map<String, String> keys = new HashMap<>();
        for (int p = 0; p < PROJECTS; p++) {
            keys.put(key(p), "cp" + p);
        }
        return keys;
    }

    private static String key(int project) {
        return "cluster-key-" + String.format("%04d", project);
    }

    @Test
    void projectsSpreadOverShardsAndMastersAndStreamFromBothNodes(@TempDir Path dir) throws Exception {
        Map<String, String> keys = projectKeys();
        try (OwnRedisCluster cluster = OwnRedisCluster.start(dir);
                TestEdge nodeA = TestEdge.start(
                        config -> config.redis(cluster.url()).redisShards(8).projectKeys(keys));
                TestEdge nodeB = TestEdge.start(
                        config -> config.redis(cluster.url()).redisShards(8).projectKeys(keys))) {
            RedisKeys layout = new RedisKeys("mx", 8);
            Set<Integer> shards = new HashSet<>();
            Set<Integer> masters = new HashSet<>();
            List<SseClient> streams = new ArrayList<>();
            try {
                for (int p = 0; p < PROJECTS; p++) {
                    String project = "cp" + p;
                    shards.add(layout.shardOf(project));
                    masters.add(cluster.portOf(layout.firehose(layout.shardOf(project))));
                    streams.add(SseClient.open(nodeB.port(), "/v1/" + key(p) + "/events/asset-" + p));
                }
                assertTrue(shards.size() >= 4, "projects land in several shards: " + shards);
                assertEquals(3, masters.size(), "and the shards on every master");
                // Each asset is unknown yet: its stream waits for it, and its first event arrives live
                // through its shard's reader, whichever master holds the shard.
                for (SseClient stream : streams) {
                    assertEquals(200, stream.status());
                }
                nodeB.awaitOpenStreams(PROJECTS);
                Map<String, String> firstIds = new HashMap<>();
                for (int p = 0; p < PROJECTS; p++) {
                    RawResponse response = HttpWire.exchange(
                            nodeA.port(),
                            HttpWire.request(
                                    "POST",
                                    "/internal/events",
                                    Events.json(EventType.QUEUED, "cp" + p, "asset-" + p),
                                    AUTH));
                    assertEquals(200, response.status(), response.bodyText());
                    firstIds.put("cp" + p, response.bodyText().replaceAll("(?s).*\\[\"([0-9-]+)\"].*", "$1"));
                }
                for (int p = 0; p < PROJECTS; p++) {
                    assertEquals(
                            firstIds.get("cp" + p),
                            streams.get(p).nextEvent(WAIT).id(),
                            "the waiting stream of cp" + p);
                    streams.get(p).close();
                }
                nodeB.awaitOpenStreams(0);
                for (int p = 0; p < PROJECTS; p++) {
                    try (SseClient live = SseClient.open(nodeB.port(), "/v1/" + key(p) + "/events/asset-" + p)) {
                        assertEquals(
                                firstIds.get("cp" + p), live.nextEvent(WAIT).id(), "replayed from its shard");
                        nodeB.awaitOpenStreams(1);
                        RawResponse ready = HttpWire.exchange(
                                nodeA.port(),
                                HttpWire.request(
                                        "POST",
                                        "/internal/events",
                                        Events.json(EventType.READY, "cp" + p, "asset-" + p),
                                        AUTH));
                        SseBlock end = live.nextEvent(WAIT);
                        assertEquals("ready", end.event());
                        assertTrue(
                                ready.bodyText().contains(end.id()),
                                "live through shard " + layout.shardOf("cp" + p) + "'s reader");
                        assertTrue(live.awaitEnd(WAIT));
                    }
                }
            } finally {
                for (SseClient stream : streams) {
                    stream.close();
                }
            }
        }
    }

    /**
     * The public route knows its project from its key and reads that project's shard alone: with one
     * master down, new streams of projects on the other masters open at once, and only the dead
     * master's projects are refused (before, every new asset stream asked every shard and got 503).
     */
    @Test
    void aMasterDownRefusesOnlyTheNewStreamsOfItsOwnProjects(@TempDir Path dir) throws Exception {
        try (OwnRedisCluster cluster = OwnRedisCluster.start(dir);
                TestEdge edge = TestEdge.start(
                        config -> config.redis(cluster.url()).redisShards(8).projectKeys(projectKeys()))) {
            RedisKeys layout = new RedisKeys("mx", 8);
            Map<Integer, String> firstIds = new HashMap<>();
            for (int p = 0; p < PROJECTS; p++) {
                RawResponse response = HttpWire.exchange(
                        edge.port(),
                        HttpWire.request(
                                "POST",
                                "/internal/events",
                                Events.json(EventType.QUEUED, "cp" + p, "asset-" + p),
                                AUTH));
                assertEquals(200, response.status(), response.bodyText());
                firstIds.put(p, response.bodyText().replaceAll("(?s).*\\[\"([0-9-]+)\"].*", "$1"));
            }
            Map<Integer, Integer> masterOf = new HashMap<>();
            for (int p = 0; p < PROJECTS; p++) {
                masterOf.put(p, cluster.portOf(layout.firehose(layout.shardOf("cp" + p))));
            }
            int dead = masterOf.get(0);
            cluster.kill(dead);
            int served = 0;
            for (int p = 0; p < PROJECTS; p++) {
                boolean onDeadMaster = masterOf.get(p) == dead;
                long start = System.nanoTime();
                try (SseClient stream = SseClient.open(edge.port(), "/v1/" + key(p) + "/events/asset-" + p)) {
                    if (onDeadMaster) {
                        assertEquals(503, stream.status(), "cp" + p + " lives on the dead master");
                        continue;
                    }
                    assertEquals(200, stream.status(), "cp" + p + " is on a master that answers");
                    assertEquals(firstIds.get(p), stream.nextEvent(WAIT).id());
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(
                            millis < 1_000,
                            "cp" + p + " replayed in " + millis + " ms, without waiting for " + "the dead master");
                    served++;
                }
            }
            assertTrue(served > 0 && served < PROJECTS, served + " of " + PROJECTS + " projects on live masters");
        }
    }
}
