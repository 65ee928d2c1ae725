package com.motioness.edge.log;

import com.motioness.edge.log.embedded.EmbeddedEventLog;
import com.motioness.edge.log.redis.RedisEventLog;
import com.motioness.edge.log.redis.RedisRetention;
import com.motioness.edge.ring.EventRing;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one reconnect's first replay read costs: the events after a cursor near the end of an
 * asset's history (the usual reconnect: a few events missed), from Redis and from the in-memory
 * embedded log. Answers whether a recent window in the node's memory would pay for Redis mode.
 * Needs a Redis at REDIS_URL (default redis://127.0.0.1:6379); uses keys under a random prefix
 * and deletes them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class ReplayReadBenchmark {
    @Param({"redis", "embedded"})
    String log;

    /** Events the reconnecting client missed. */
    @Param({"5", "100"})
    int missed;

    private final String prefix = "mxbench-" + UUID.randomUUID().toString().substring(0, 8);
    private EventRing ring;
    private EventLog eventLog;
    private EventId cursor;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ring = new EventRing(1 << 16, (slot, sequence, endOfBatch) -> slot.clear());
        String url = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        eventLog = log.equals("redis")
                ? new RedisEventLog(
                        url,
                        new RedisKeys(prefix, 1),
                        ring,
                        new RedisRetention(
                                100_000, 1000, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(24)))
                : new EmbeddedEventLog(ring, 1000, Duration.ofHours(1), Clock.systemUTC());
        List<EventId> ids = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            AssetEvent event = AssetEvent.builder(EventType.STAGE_COMPLETED)
                    .assetId("asset-1")
                    .projectId("p1")
                    .ts(1_764_300_000_000L)
                    .attempt(1)
                    .stage("render")
                    .latencyMs(812)
                    .requestId("req-" + i)
                    .build();
            ids.addAll(eventLog.append(List.of(event)).get());
        }
        cursor = ids.get(ids.size() - 1 - missed);
    }

    @Benchmark
    public ReplayPage firstReplayPage() throws Exception {
        return eventLog.read(StreamRef.asset("asset-1"), cursor, 256).get();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        eventLog.close();
        ring.close();
        if (log.equals("redis")) {
            RedisClient client =
                    RedisClient.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
            try (StatefulRedisConnection<String, String> redis = client.connect()) {
                List<String> keys = redis.sync().keys(prefix + ":*");
                if (!keys.isEmpty()) {
                    redis.sync().del(keys.toArray(new String[0]));
                }
            } finally {
                client.shutdown();
            }
        }
    }
}
