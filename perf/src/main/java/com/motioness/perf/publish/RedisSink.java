package com.motioness.perf.publish;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.redis.EventPublisher;
import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Redis Streams, as a producer of the real system writes them: one {@code FCALL motioness_publish}
 * per batch through the protocol's {@link EventPublisher}, pipelined on one connection.
 */
public final class RedisSink implements EventSink {
    private static final int MAX_UNANSWERED = 256;

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final EventPublisher publisher;
    private final Semaphore unanswered = new Semaphore(MAX_UNANSWERED);
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    /** Connects to a single Redis; the events' project must live in one shard per batch. */
    public RedisSink(String uri, String prefix, int shards) {
        client = RedisClient.create(uri);
        connection = client.connect(EventPublisher.CODEC);
        EventPublisher.loadLibrary(connection.sync());
        publisher = new EventPublisher(connection.async(), new RedisKeys(prefix, shards));
    }

    @Override
    public int maxBatch() {
        return 200;
    }

    @Override
    public void send(List<PerfEvent> events) throws InterruptedException {
        List<AssetEvent> batch = new ArrayList<>(events.size());
        try {
            for (PerfEvent event : events) {
                batch.add(event.toAssetEvent());
            }
        } catch (EventValidationException e) {
            throw new IllegalStateException("the harness built an invalid event", e);
        }
        unanswered.acquire();
        int n = batch.size();
        publisher.publish(batch).whenComplete((ids, error) -> {
            if (error == null) {
                acknowledged.addAndGet(n);
            } else {
                failed.addAndGet(n);
                firstFailure.compareAndSet(null, error.toString());
            }
            unanswered.release();
        });
    }

    @Override
    public long acknowledged() {
        return acknowledged.get();
    }

    @Override
    public long failed() {
        return failed.get();
    }

    @Override
    public String firstFailure() {
        return firstFailure.get();
    }

    @Override
    public boolean awaitAnswered(long timeoutMillis) throws InterruptedException {
        if (!unanswered.tryAcquire(MAX_UNANSWERED, timeoutMillis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        unanswered.release(MAX_UNANSWERED);
        return true;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
