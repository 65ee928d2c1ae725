package com.motioness.edge.log.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.EdgeProcess;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.OwnRedis;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.protocol.EventType;
import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producers that retry with an Idempotency-Key store every event exactly once while an edge node
 * is killed with -9 and Redis stalls, is killed and restarts (from its append-only file) under
 * them. Two real edge processes share one redis-server of the test's own; each producer retries a
 * batch (on 503, a connection error or no answer, to either node) until it is answered 200.
 *
 * <p>The stall makes the failure the issue describes certain rather than lucky: commands sent
 * while Redis is frozen time out at the edge (503) and run when it goes on, so their batches are
 * stored although the producer was told they were not, and the producer's retries arrive too.
 */
class RetriedIngestUnderFailuresTest {
    private static final String PROJECT = "proj-a";
    private static final String TOKEN = "ingest-token-0123456789";
    private static final int PRODUCERS = 3;
    private static final int BATCHES_EACH = 50;
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Pattern ID = Pattern.compile("\"([0-9-]+)\"");
    private static final Pattern REQUEST_ID = Pattern.compile("\"request_id\":\"([^\"]+)\"");

    /** What the producers saw: per request id, the id they were answered; and how it went. */
    private final Map<String, String> answeredIds = new ConcurrentHashMap<>();

    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicInteger replayedAnswers = new AtomicInteger();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

    private static EdgeProcess node(String redisUrl) throws IOException {
        return EdgeProcess.start(
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--admin-port",
                "-1",
                "--redis",
                redisUrl,
                "--project-key",
                "key-a-0123456789=" + PROJECT,
                "--ingest-token",
                TOKEN,
                "--io-threads",
                "1");
    }

    @Test
    void everyEventIsStoredOnceWhileANodeIsKilledAndRedisStallsAndRestarts(@TempDir Path dir) throws Exception {
        try (OwnRedis redis = OwnRedis.start(dir);
                EdgeProcess node1 = node(redis.url());
                EdgeProcess node2 = node(redis.url())) {
            int[] ports = {node1.port(), node2.port()};
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                Thread thread = new Thread(() -> produce(producer, ports, deadline), "producer-" + p);
                thread.start();
                producers.add(thread);
            }

            awaitDone(20);
            node1.pause();
            // Requests on their way to node 1 now get no answer; the producers move on to node 2.
            Thread.sleep(500);
            node1.kill();

            awaitDone(50);
            redis.pause();
            // Longer than the edge's 2 s command timeout: what was sent meanwhile is answered 503
            // and runs when Redis goes on, retries included.
            Thread.sleep(2500);
            redis.resume();

            awaitDone(80);
            redis.kill();
            Thread.sleep(300);
            redis.restart();

            for (Thread thread : producers) {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                assertFalse(thread.isAlive(), "the producers finished in time");
            }
            assertEquals(List.of(), failures);
            assertEquals(PRODUCERS * BATCHES_EACH, done.get());

            Map<String, List<String>> stored = storedIdsByRequestId(redis.url());
            List<String> duplicated = stored.entrySet().stream()
                    .filter(entry -> entry.getValue().size() > 1)
                    .map(entry -> entry.getKey() + "=" + entry.getValue())
                    .toList();
            assertEquals(
                    List.of(),
                    duplicated,
                    "every event stored once (retries: " + retries.get() + ", answered as replays: "
                            + replayedAnswers.get() + ")");
            assertEquals(answeredIds.keySet(), stored.keySet(), "every event the producers sent is stored");
            for (Map.Entry<String, String> answered : answeredIds.entrySet()) {
                assertEquals(
                        List.of(answered.getValue()),
                        stored.get(answered.getKey()),
                        "the id answered for " + answered.getKey() + " is the stored one");
            }
            assertTrue(
                    replayedAnswers.get() > 0,
                    "some retry repeated a batch that had been stored (retries: " + retries.get() + ")");
            System.out.printf(
                    "%d batches, %d events: %d retries, %d answered as replays%n",
                    done.get(), answeredIds.size(), retries.get(), replayedAnswers.get());
        }
    }

    private void awaitDone(int batches) throws InterruptedException {
        Poll.until(
                () -> done.get() >= batches || !failures.isEmpty(),
                Duration.ofSeconds(60),
                batches + " batches answered (now " + done.get() + ")");
        assertEquals(List.of(), failures);
    }

    /** One producer: its batches in turn, each retried with its key until answered 200. */
    private void produce(int producer, int[] ports, long deadline) {
        for (int batch = 0; batch < BATCHES_EACH; batch++) {
            String asset = "asset-" + producer + "-" + (batch % 5);
            String body = "[" + Events.json(EventType.STAGE_STARTED, PROJECT, asset) + ","
                    + Events.json(EventType.STAGE_STARTED, PROJECT, asset) + "]";
            String key = "batch-" + producer + "-" + batch;
            RawResponse answer = null;
            for (int attempt = 0; answer == null; attempt++) {
                if (attempt >= 500 || System.nanoTime() > deadline) {
                    failures.add(key + ": no 200 after " + attempt + " attempts");
                    return;
                }
                if (attempt > 0) {
                    retries.incrementAndGet();
                    sleep(50);
                }
                // Alternate between the nodes, as a load balancer's retry would.
                answer = post(ports[(batch + attempt) % ports.length], body, key);
                if (answer != null && answer.status() != 200) {
                    if (answer.status() != 503) {
                        failures.add(key + ": " + answer.status() + " " + answer.bodyText());
                        return;
                    }
                    answer = null;
                }
            }
            if ("true".equals(answer.header("idempotent-replayed"))) {
                replayedAnswers.incrementAndGet();
            }
            List<String> ids = ID.matcher(answer.bodyText())
                    .results()
                    .map(match -> match.group(1))
                    .toList();
            List<String> requestIds = REQUEST_ID
                    .matcher(body)
                    .results()
                    .map(match -> match.group(1))
                    .toList();
            for (int i = 0; i < requestIds.size(); i++) {
                answeredIds.put(requestIds.get(i), ids.get(i));
            }
            done.incrementAndGet();
        }
    }

    /** One attempt: the answer, or null for a connection error or no answer within 3 s. */
    private static RawResponse post(int port, String body, String key) {
        try (Socket socket = HttpWire.connect(port)) {
            socket.setSoTimeout(3000);
            socket.getOutputStream()
                    .write(HttpWire.request(
                                    "POST",
                                    "/internal/events",
                                    body,
                                    "Authorization: Bearer " + TOKEN,
                                    "Idempotency-Key: " + key)
                            .getBytes(StandardCharsets.UTF_8));
            return HttpWire.readResponse(socket.getInputStream());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every event in the firehose, by request id: the ids it is stored under. */
    private static Map<String, List<String>> storedIdsByRequestId(String url) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            Map<String, List<String>> stored = new HashMap<>();
            List<StreamMessage<String, String>> entries =
                    redis.sync().xrange(new RedisKeys("mx", 1).firehose(0), Range.create("-", "+"));
            for (StreamMessage<String, String> entry : entries) {
                Matcher requestId = REQUEST_ID.matcher(entry.getBody().get("e"));
                assertTrue(requestId.find(), entry.getBody().toString());
                String id = entry.getId().endsWith("-0")
                        ? entry.getId().substring(0, entry.getId().length() - 2)
                        : entry.getId();
                stored.computeIfAbsent(requestId.group(1), k -> new ArrayList<>())
                        .add(id);
            }
            return stored;
        } finally {
            client.shutdown();
        }
    }
}
