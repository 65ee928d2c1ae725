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

    @Test
    void projectsSpreadOverShardsAndMastersAndStreamFromBothNodes(@TempDir Path dir) throws Exception {
        Map<String, String> keys = new HashMap<>();
        for (int p = 0; p < PROJECTS; p++) {
            keys.put("cluster-key-" + String.format("%04d", p), "cp" + p);
        }
        try (OwnRedisCluster cluster = OwnRedisCluster.start(dir);
                TestEdge nodeA = TestEdge.start(config -> config.redis(cluster.url()).redisShards(8).projectKeys(keys));
                TestEdge nodeB = TestEdge.start(config -> config.redis(cluster.url()).redisShards(8).projectKeys(keys))) {
            RedisKeys layout = new RedisKeys("mx", 8);
            Set<Integer> shards = new HashSet<>();
            Set<Integer> masters = new HashSet<>();
            List<SseClient> streams = new ArrayList<>();
            try {
                for (int p = 0; p < PROJECTS; p++) {
                    String project = "cp" + p;
                    shards.add(layout.shardOf(project));
                    masters.add(cluster.portOf(layout.firehose(layout.shardOf(project))));
                    streams.add(SseClient.open(nodeB.port(), "/v1/cluster-key-" + String.format("%04d", p)
                            + "/events/asset-" + p));
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
                    RawResponse response = HttpWire.exchange(nodeA.port(), HttpWire.request("POST", "/internal/events",
                            Events.json(EventType.QUEUED, "cp" + p, "asset-" + p), AUTH));
                    assertEquals(200, response.status(), response.bodyText());
                    firstIds.put("cp" + p, response.bodyText().replaceAll("(?s).*\\[\"([0-9-]+)\"].*", "$1"));
                }
                for (int p = 0; p < PROJECTS; p++) {
                    assertEquals(firstIds.get("cp" + p), streams.get(p).nextEvent(WAIT).id(), "the waiting stream of cp" + p);
                    streams.get(p).close();
                }
                nodeB.awaitOpenStreams(0);
                for (int p = 0; p < PROJECTS; p++) {
                    try (SseClient live = SseClient.open(nodeB.port(), "/v1/cluster-key-" + String.format("%04d", p)
                            + "/events/asset-" + p)) {
                        assertEquals(firstIds.get("cp" + p), live.nextEvent(WAIT).id(), "replayed from its shard");
                        nodeB.awaitOpenStreams(1);
                        RawResponse ready = HttpWire.exchange(nodeA.port(), HttpWire.request("POST", "/internal/events",
                                Events.json(EventType.READY, "cp" + p, "asset-" + p), AUTH));
                        SseBlock end = live.nextEvent(WAIT);
                        assertEquals("ready", end.event());
                        assertTrue(ready.bodyText().contains(end.id()), "live through shard "
                                + layout.shardOf("cp" + p) + "'s reader");
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
}
