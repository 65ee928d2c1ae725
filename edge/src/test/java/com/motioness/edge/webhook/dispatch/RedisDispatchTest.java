package com.motioness.edge.webhook.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.log.redis.RedisBackend;
import com.motioness.edge.log.redis.RedisEventLog;
import com.motioness.edge.log.redis.RedisRetention;
import com.motioness.edge.ring.EventRing;
import com.motioness.edge.support.EdgeOnLog;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RedisKeysUnder;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import com.motioness.protocol.redis.RedisKeys;
import com.motioness.protocol.webhook.WebhookSignature;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dispatchers on the shared Redis under a prefix of their own: they share the work of one consumer
 * group, and a dispatcher that dies (in-process, abruptly) loses nothing: its leased jobs, its due
 * retries and its unread entries are taken over.
 */
class RedisDispatchTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String REDIS = EdgeOnLog.REDIS_URL;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final MemoryEndpoints endpoints = new MemoryEndpoints();
    private final MemoryDeadLetters deadLetters = new MemoryDeadLetters();
    private String prefix;
    private RedisKeys keys;
    private RedisEventLog log;

    @BeforeEach
    void startLog() {
        prefix = "mxwh-" + UUID.randomUUID().toString().substring(0, 8);
        keys = new RedisKeys(prefix, 2);
        EventRing ring = new EventRing(1024, (slot, sequence, endOfBatch) -> slot.clear());
        log = new RedisEventLog(
                REDIS,
                keys,
                ring,
                new RedisRetention(100_000, 10_000, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(24)));
        open.add(ring);
        open.add(0, log);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        RedisKeysUnder.delete(REDIS, prefix + ":");
    }

    private WebhookDispatcher dispatcher(DispatcherSettings settings) {
        RedisBackend backend = RedisBackend.connect(REDIS);
        WebhookDispatcher dispatcher = WebhookDispatcher.redis(
                backend,
                keys,
                new DispatcherParts(
                        log, endpoints, deadLetters, new JdkTestSender(), Clock.systemUTC(), new PrometheusRegistry()),
                settings);
        open.add(0, backend);
        open.add(0, dispatcher);
        dispatcher.start();
        return dispatcher;
    }

    private TestReceiver receiver(TestReceiver receiver) {
        open.add(0, receiver);
        return receiver;
    }

    private EventId post(String project, String asset) {
        return log.append(List.of(Events.of(EventType.READY, project, asset)))
                .join()
                .get(0);
    }

    private static Map<String, Integer> deliveredById(TestReceiver receiver) {
        Map<String, Integer> byId = new HashMap<>();
        for (TestReceiver.Received received : receiver.received()) {
            if (received.status() == 200) {
                byId.merge(received.header(WebhookSignature.ID_HEADER), 1, Integer::sum);
            }
        }
        return byId;
    }

    @Test
    void twoDispatchersDeliverEachJobOnceBetweenThem() throws Exception {
        TestReceiver receiver = receiver(TestReceiver.answering(200));
        List<String> projects = List.of("p-a", "p-b", "p-c", "p-d");
        for (String project : projects) {
            endpoints.register(project, receiver.url(), Set.of(EventType.READY));
        }
        dispatcher(TestSettings.withDelays(0, 100, 100, 100, 100));
        dispatcher(TestSettings.withDelays(0, 100, 100, 100, 100));

        for (int i = 0; i < 200; i++) {
            post(projects.get(i % projects.size()), "asset-" + i);
        }
        Poll.until(() -> receiver.received().size() >= 200, WAIT, "200 deliveries");
        Poll.until(() -> jobsLeft() == 0, WAIT, "every job completed");
        Map<String, Integer> delivered = deliveredById(receiver);
        assertEquals(200, delivered.size(), "every event delivered");
        assertEquals(200, receiver.received().size(), "each exactly once: " + delivered);
    }

    @Test
    void jobsInFlightAtACrashAreTakenOverAfterTheirLease() throws Exception {
        TestReceiver receiver = receiver(TestReceiver.answering(0));
        endpoints.register("p-a", receiver.url(), Set.of(EventType.READY));
        DispatcherSettings settings = TestSettings.withDelays(0, 100, 100, 100, 100)
                .withTimeout(Duration.ofSeconds(5), Duration.ofMillis(2500));
        WebhookDispatcher first = dispatcher(settings);
        for (int i = 0; i < 10; i++) {
            post("p-a", "asset-" + i);
        }
        Poll.until(() -> receiver.received().size() == 10, WAIT, "ten attempts in flight");
        first.crashForTest();
        receiver.answer(n -> 200);
        long crashedAt = System.currentTimeMillis();

        dispatcher(settings);
        Poll.until(() -> deliveredById(receiver).size() == 10, WAIT, "the ten taken over");
        Poll.until(() -> jobsLeft() == 0, WAIT, "every job completed");
        assertTrue(System.currentTimeMillis() - crashedAt >= 1500, "taken over only once the 2.5 s lease ran out");
        assertEquals(
                20,
                receiver.received().size(),
                () -> "duplicates only for the ten in flight: " + timeline(receiver, crashedAt));
        Set<String> hung = new HashSet<>();
        for (TestReceiver.Received received : receiver.received().subList(0, 10)) {
            hung.add(received.header(WebhookSignature.ID_HEADER));
        }
        assertEquals(hung, deliveredById(receiver).keySet(), "the same webhook-ids again");
    }

    @Test
    void aDueRetrySurvivesARestart() throws Exception {
        TestReceiver receiver = receiver(TestReceiver.scripted(n -> n == 1 ? 503 : 200));
        endpoints.register("p-a", receiver.url(), Set.of(EventType.READY));
        DispatcherSettings settings = TestSettings.withDelays(0, 700, 100, 100, 100);
        WebhookDispatcher first = dispatcher(settings);
        post("p-a", "asset-1");
        Poll.until(() -> dueCount() == 1, WAIT, "the retry stored as due");
        first.close();
        assertEquals(0, consumers(), "a dispatcher closed with nothing pending leaves the group");

        dispatcher(settings);
        Poll.until(() -> deliveredById(receiver).size() == 1, WAIT, "the retry delivered by the new dispatcher");
        Poll.until(() -> jobsLeft() == 0, WAIT, "the job completed");
        assertEquals(2, receiver.received().size());
        assertEquals(
                receiver.received().get(0).header(WebhookSignature.ID_HEADER),
                receiver.received().get(1).header(WebhookSignature.ID_HEADER));
        List<String> kinds = new ArrayList<>();
        for (var event : log.read(com.motioness.edge.log.StreamRef.project("p-a"), null, 100)
                .join()
                .events()) {
            kinds.add(event.type().wireName());
        }
        assertEquals(
                List.of("ready", "webhook_dispatched", "webhook_failed", "webhook_dispatched", "webhook_delivered"),
                kinds);
    }

    @Test
    void aDeliveryFailingEveryAttemptIsDeadLetteredAndRedelivered() throws Exception {
        TestReceiver receiver = receiver(TestReceiver.answering(500));
        endpoints.register("p-a", receiver.url(), Set.of(EventType.READY));
        WebhookDispatcher dispatcher = dispatcher(TestSettings.withDelays(0, 20, 20, 20, 20));
        post("p-a", "asset-1");
        Poll.until(() -> deadLetters.list("p-a", 10).join().size() == 1, WAIT, "the dead letter");
        Poll.until(() -> jobsLeft() == 0, WAIT, "the job removed");
        assertEquals(5, receiver.received().size());

        receiver.answer(n -> 200);
        var letter = deadLetters
                .take("p-a", deadLetters.list("p-a", 10).join().get(0).messageId())
                .join();
        dispatcher.redelivery().redeliver(letter).join();
        Poll.until(() -> deliveredById(receiver).size() == 1, WAIT, "the redelivery");
        assertEquals(letter.messageId(), receiver.received().get(5).header(WebhookSignature.ID_HEADER));
        Poll.until(() -> jobsLeft() == 0, WAIT, "the redelivered job completed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void entriesADeadConsumerReadAreClaimedAndDelivered() throws Exception {
        TestReceiver receiver = receiver(TestReceiver.answering(200));
        endpoints.register("p-a", receiver.url(), Set.of(EventType.READY));
        int shard = keys.shardOf("p-a");
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            redis.sync()
                    .xgroupCreate(
                            XReadArgs.StreamOffset.from(keys.firehose(shard), "$"),
                            "webhooks",
                            XGroupCreateArgs.Builder.mkstream());
            for (int i = 0; i < 5; i++) {
                post("p-a", "asset-" + i);
            }
            // A consumer that reads and dies before taking the entries in.
            assertEquals(
                    5,
                    redis.sync()
                            .xreadgroup(
                                    Consumer.from("webhooks", "ghost"),
                                    XReadArgs.StreamOffset.lastConsumed(keys.firehose(shard)))
                            .size());
        } finally {
            client.shutdown();
        }
        dispatcher(TestSettings.withDelays(0, 100, 100, 100, 100));
        Poll.until(() -> deliveredById(receiver).size() == 5, WAIT, "the ghost's entries delivered");
        Poll.until(() -> pendingEntries(shard) == 0, WAIT, "the entries acknowledged");
    }

    private static String timeline(TestReceiver receiver, long fromMs) {
        StringBuilder line = new StringBuilder();
        for (TestReceiver.Received received : receiver.received()) {
            line.append('\n')
                    .append(received.atMs() - fromMs)
                    .append(" ms ")
                    .append(received.header(WebhookSignature.ID_HEADER))
                    .append(' ')
                    .append(received.status());
        }
        return line.toString();
    }

    private long jobsLeft() {
        return sumOverShards((redis, shard) -> redis.hlen(keys.ofShard(shard, "webhooks:jobs")));
    }

    private long dueCount() {
        return sumOverShards((redis, shard) -> redis.zcard(keys.ofShard(shard, "webhooks:due")));
    }

    private long consumers() {
        return sumOverShards((redis, shard) ->
                (long) redis.xinfoConsumers(keys.firehose(shard), "webhooks").size());
    }

    private long pendingEntries(int shard) {
        return sumOverShards((redis, at) ->
                at == shard ? redis.xpending(keys.firehose(shard), "webhooks").getCount() : 0L);
    }

    /** A count read from every shard of the test's prefix, summed. */
    private long sumOverShards(java.util.function.BiFunction<RedisCommands<String, String>, Integer, Long> count) {
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            long total = 0;
            for (int shard = 0; shard < keys.shards(); shard++) {
                total += count.apply(redis.sync(), shard);
            }
            return total;
        } finally {
            client.shutdown();
        }
    }
}
