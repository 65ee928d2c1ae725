package com.motioness.edge.log.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.OwnRedis;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Redis killed and restarted under a running edge: open streams survive, nothing is lost or doubled. */
class RedisOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String AUTH = "Authorization: Bearer " + TestEdge.INGEST_TOKEN;

    private static RawResponse ingest(TestEdge edge, EventType type) throws Exception {
        return HttpWire.exchange(
                edge.port(),
                HttpWire.request("POST", "/internal/events", Events.json(type, TestEdge.PROJECT, "a1"), AUTH));
    }

    private static String idOf(RawResponse response) {
        assertEquals(200, response.status(), response.bodyText());
        return response.bodyText().replaceAll("(?s).*\\[\"([0-9-]+)\"].*", "$1");
    }

    @Test
    void openStreamsSurviveARedisRestartAndNewOnesAre503MeanwhileAnswered(@TempDir Path dir) throws Exception {
        try (OwnRedis redis = OwnRedis.start(dir);
                TestEdge edge = TestEdge.start(config -> config.redis(redis.url()))) {
            List<String> sent = new ArrayList<>();
            sent.add(idOf(ingest(edge, EventType.QUEUED)));
            try (SseClient stream = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
                assertEquals(sent.get(0), stream.nextEvent(WAIT).id());
                edge.awaitOpenStreams(1);

                redis.kill();
                RawResponse refused = HttpWire.get(edge.port(), TestEdge.assetPath("a1"));
                assertEquals(503, refused.status(), refused.bodyText());
                assertEquals("1", refused.header("retry-after"));
                assertTrue(refused.bodyText().startsWith("{\"error\":\"unavailable\""), refused.bodyText());
                RawResponse ingestRefused = ingest(edge, EventType.VISION_STARTED);
                assertEquals(503, ingestRefused.status(), ingestRefused.bodyText());
                assertEquals(1, edge.server().openStreams(), "the open stream stays open");

                redis.restart();
                RawResponse[] accepted = new RawResponse[1];
                Poll.until(
                        () -> {
                            try {
                                accepted[0] = ingest(edge, EventType.VISION_STARTED);
                                return accepted[0].status() == 200;
                            } catch (Exception e) {
                                return false;
                            }
                        },
                        WAIT,
                        "ingest to work again");
                sent.add(idOf(accepted[0]));
                sent.add(idOf(ingest(edge, EventType.VISION_COMPLETED)));
                List<String> received = new ArrayList<>();
                received.add(sent.get(0));
                for (SseBlock block : stream.events(2, WAIT)) {
                    received.add(block.id());
                }
                assertEquals(sent, received, "resumed from the reader's last id: no gap, no duplicate");
            }
            try (SseClient fresh = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
                assertEquals(200, fresh.status(), "new streams are served again");
                assertEquals(
                        sent, fresh.events(3, WAIT).stream().map(SseBlock::id).toList());
            }
        }
    }
}
