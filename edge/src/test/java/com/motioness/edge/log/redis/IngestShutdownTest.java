package com.motioness.edge.log.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.EdgeProcess;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.IngestOutcomes;
import com.motioness.edge.support.OwnRedis;
import com.motioness.edge.support.PipeliningProducer;
import com.motioness.edge.support.PipeliningProducer.Outcome;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.RedisKeysUnder;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest on Redis while the node shuts down: every POST the edge read is answered, 200 only when
 * its events were stored (once) and 503 only when they were not, and Redis is closed after the
 * last append came back, never under one.
 */
class IngestShutdownTest {
    private static final String REDIS_URL = RedisBackboneTest.REDIS_URL;
    private static final int PRODUCERS = 8;
    private static final int PIPELINED = 4;

    private final String prefix = "mxtest-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void deleteKeys() {
        RedisKeysUnder.delete(REDIS_URL, prefix + ":");
    }

    /** request_id → how many times the project's stream holds it. */
    private Map<String, Integer> stored(String redisUrl) {
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, byte[]> redis =
                client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
            String key = new RedisKeys(prefix, 1).project(0, TestEdge.PROJECT);
            Map<String, Integer> counts = new HashMap<>();
            for (StreamMessage<String, byte[]> entry : redis.sync().xrange(key, Range.create("-", "+"))) {
                counts.merge(EventJson.decode(entry.getBody().get("e")).requestId(), 1, Integer::sum);
            }
            return counts;
        } catch (com.motioness.protocol.EventValidationException e) {
            throw new AssertionError(e);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void sigtermMidStreamAnswersEveryIngestRequestReadAndStoresOnlyThoseAnswered200() throws Exception {
        List<PipeliningProducer> producers = new ArrayList<>();
        try (EdgeProcess edge = EdgeProcess.start(
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--admin-port",
                "0",
                "--redis",
                REDIS_URL,
                "--redis-prefix",
                prefix,
                "--ingest-token",
                TestEdge.INGEST_TOKEN,
                "--project-key",
                TestEdge.KEY + "=" + TestEdge.PROJECT,
                "--drain-window",
                "1s",
                "--retention-count",
                "1000000")) {
            for (int i = 0; i < PRODUCERS; i++) {
                producers.add(PipeliningProducer.start(edge.port(), TestEdge.PROJECT, "a" + i, PIPELINED));
            }
            Poll.until(() -> producers.get(0).answeredOk() > 0, Duration.ofSeconds(10), "a first event stored");
            // An open stream makes the drain last part of its window, with producers still sending.
            try (SseClient stream = SseClient.open(edge.port(), TestEdge.assetPath("a0"))) {
                assertEquals(200, stream.status());
                Poll.until(
                        () -> producers.stream()
                                        .mapToInt(PipeliningProducer::answeredOk)
                                        .sum()
                                > 200,
                        Duration.ofSeconds(10),
                        "producers under way");
                long signalled = System.nanoTime();
                edge.terminate();
                assertEquals(0, edge.awaitExit(Duration.ofSeconds(30)), "the edge exits 0 after SIGTERM");
                long exitMillis = (System.nanoTime() - signalled) / 1_000_000;
                assertTrue(stream.awaitEnd(Duration.ofSeconds(5)) && stream.endedCleanly(), "the stream was ended");

                List<Outcome> outcomes = new ArrayList<>();
                for (PipeliningProducer producer : producers) {
                    outcomes.addAll(producer.awaitEnd(10_000));
                }
                IngestOutcomes.Tally tally = IngestOutcomes.check(outcomes, stored(REDIS_URL));
                long okAfterSignal = outcomes.stream()
                        .filter(outcome -> outcome.status() == 200 && outcome.answeredAtNanos() > signalled)
                        .count();
                System.out.println("IngestShutdownTest: " + tally + ", answered 200 after SIGTERM: " + okAfterSignal
                        + ", exit " + exitMillis + " ms after SIGTERM");
                assertTrue(okAfterSignal > 0, "ingest kept answering while the node drained");
            }
            for (String line : edge.output()) {
                assertTrue(!line.contains("ERROR") && !line.contains("cannot be started once stopped"), line);
            }
        } finally {
            producers.forEach(PipeliningProducer::close);
        }
    }

    @Test
    void anAppendInFlightAtCloseIsAnsweredWithItsIdsAndTheRequestBehindItIs503NotStored(@TempDir Path dir)
            throws Exception {
        try (OwnRedis redis = OwnRedis.start(dir)) {
            TestEdge edge = TestEdge.start(config -> config.redis(redis.url()).redisPrefix(prefix));
            CompletableFuture<Void> closed = null;
            try (Socket pipelined = HttpWire.connect(edge.port())) {
                // Redis stopped: the first append is on its way and stays there; the second waits its turn.
                redis.pause();
                OutputStream out = pipelined.getOutputStream();
                out.write((PipeliningProducer.request(TestEdge.PROJECT, "a1", "in-flight")
                                + PipeliningProducer.request(TestEdge.PROJECT, "a1", "behind"))
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                Poll.until(() -> edge.server().appendsInFlight() == 1, Duration.ofSeconds(5), "the append on its way");
                closed = CompletableFuture.runAsync(edge::close);
                // The edge refuses appends before it closes its listening socket.
                Poll.until(() -> HttpWire.refusesConnections(edge.port()), Duration.ofSeconds(5), "the edge closing");
                redis.resume();

                InputStream in = pipelined.getInputStream();
                RawResponse inFlight = HttpWire.readResponse(in);
                assertEquals(200, inFlight.status(), "the append in flight completes: " + inFlight.bodyText());
                assertTrue(inFlight.bodyText().matches("\\{\"ids\":\\[\"[0-9-]+\"]}\\n"), inFlight.bodyText());
                RawResponse behind = HttpWire.readResponse(in);
                assertEquals(503, behind.status(), behind.bodyText());
                assertTrue(behind.bodyText().startsWith("{\"error\":\"draining\""), behind.bodyText());
                assertEquals("1", behind.header("retry-after"));
                assertEquals("close", behind.header("connection"));
                assertEquals(-1, in.read(), "then the connection ends");
            } finally {
                if (closed == null) {
                    edge.close();
                } else {
                    closed.get(10, TimeUnit.SECONDS);
                }
            }
            assertEquals(Map.of("in-flight", 1), stored(redis.url()), "only the request answered 200 was stored");
        }
    }
}
