package com.motioness.protocol.redis;

import com.motioness.protocol.AssetEndedException;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.IdempotencyKeyReusedException;
import com.motioness.protocol.StoredBatch;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Publishes events to the Redis log with one {@code FCALL motioness_publish} per batch: the
 * function validates and appends them atomically to the shard's firehose, their project streams
 * and their asset streams, and answers their ids. Works on one Redis and on a Cluster alike
 * (pass either kind of connection's async commands, with {@link #CODEC}). Thread-safe.
 *
 * <p>A producer that retries (after a timeout, a 503, a crash) names each batch with an
 * {@link IdempotencyKey}: Redis checks the key and writes the batch in one atomic call, so a
 * retry, on this or any other producer, stores nothing and answers the first success's ids.
 *
 * <pre>{@code
 * RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
 * StatefulRedisConnection<String, byte[]> connection = client.connect(EventPublisher.CODEC);
 * EventPublisher.loadLibrary(connection.sync());
 * EventPublisher publisher = new EventPublisher(connection.async(), new RedisKeys("mx", 1));
 *
 * List<EventId> ids = publisher.publish(List.of(event)).get();
 *
 * IdempotencyKey key = IdempotencyKey.of(UUID.randomUUID().toString());   // one per batch, kept across retries
 * StoredBatch stored = publisher.publish(List.of(event), key).get();      // retry this call as often as needed
 * List<EventId> sameIds = stored.ids();                                  // stored.replayed(): a retry's answer
 * }</pre>
 *
 * <p>Refusals arrive as the future's failure: {@link EventValidationException} (an event breaks
 * the contract, or its asset belongs to another project), {@link AssetEndedException} (an event
 * other than {@code webhook_*} after its asset's terminal event), {@link IdempotencyKeyReusedException}
 * (the key was used for other events) and {@link ShardCountMismatchException} (the log was created
 * with another K than {@code keys}). Anything else is Redis's own error, as it came.
 */
public final class EventPublisher {
    /** Keys as UTF-8 strings, values as the raw bytes of the event JSON. */
    public static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** Entries the firehose keeps at least: what edge nodes read live. */
    public static final int DEFAULT_FIREHOSE_LENGTH = 100_000;
    /** Entries an asset or project stream keeps (approximately: MAXLEN ~). */
    public static final int DEFAULT_STREAM_LENGTH = 1000;
    /** How long a running asset stays readable after its last event. */
    public static final Duration DEFAULT_RUNNING_TTL = Duration.ofHours(24);
    /** How long a finished asset stays readable after its terminal event. */
    public static final Duration DEFAULT_FINISHED_TTL = Duration.ofHours(1);

    private static final Pattern INVALID = Pattern.compile("INVALID (\\d+) ([^:]+): (.*)", Pattern.DOTALL);
    private static final Pattern ENDED = Pattern.compile("ENDED (\\d+) (\\S+): (.*)", Pattern.DOTALL);
    private static final Pattern REUSED = Pattern.compile("REUSED: (.*)", Pattern.DOTALL);
    private static final Pattern SHARDS = Pattern.compile("SHARDS (\\d+) (\\d+): (.*)", Pattern.DOTALL);
    private static final String REPLAYED = "replayed";

    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final RedisKeys keys;
    private final byte[] shards;
    /** The arguments before the events: K, the three lengths, the two lifetimes, the idempotency window. */
    private final byte[][] limits;
    // Written racily by concurrent first publishes: each verifies, which is harmless.
    private volatile CompletableFuture<Void> shardCountVerified;

    /** With the default lengths, lifetimes and idempotency window. */
    public EventPublisher(RedisClusterAsyncCommands<String, byte[]> redis, RedisKeys keys) {
        this(redis, keys, DEFAULT_FIREHOSE_LENGTH, DEFAULT_STREAM_LENGTH, DEFAULT_RUNNING_TTL, DEFAULT_FINISHED_TTL);
    }

    /**
     * With the default idempotency window ({@link IdempotencyKey#DEFAULT_WINDOW}).
     *
     * @param firehoseLength entries each shard's firehose keeps
     * @param streamLength entries each asset and project stream keeps
     * @param runningTtl how long an asset stays after its last event while it runs
     * @param finishedTtl how long an asset stays after its terminal event
     */
    public EventPublisher(
            RedisClusterAsyncCommands<String, byte[]> redis,
            RedisKeys keys,
            int firehoseLength,
            int streamLength,
            Duration runningTtl,
            Duration finishedTtl) {
        this(redis, keys, firehoseLength, streamLength, runningTtl, finishedTtl, IdempotencyKey.DEFAULT_WINDOW);
    }

    /**
     * @param firehoseLength entries each shard's firehose keeps
     * @param streamLength entries each asset and project stream keeps
     * @param runningTtl how long an asset stays after its last event while it runs
     * @param finishedTtl how long an asset stays after its terminal event
     * @param idempotencyWindow how long a batch's idempotency key is remembered (whole seconds, at least 1)
     */
    public EventPublisher(
            RedisClusterAsyncCommands<String, byte[]> redis,
            RedisKeys keys,
            int firehoseLength,
            int streamLength,
            Duration runningTtl,
            Duration finishedTtl,
            Duration idempotencyWindow) {
        this.redis = redis;
        this.keys = keys;
        this.shards = ascii(keys.shards());
        this.limits = new byte[][] {
            shards,
            ascii(firehoseLength),
            ascii(streamLength),
            ascii(streamLength),
            ascii(Math.max(1, runningTtl.toSeconds())),
            ascii(Math.max(1, finishedTtl.toSeconds())),
            ascii(Math.max(1, idempotencyWindow.toSeconds())),
        };
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /** FUNCTION LOAD REPLACE of the {@code motioness} library (on a Cluster: call it per master). */
    public static void loadLibrary(RedisClusterCommands<String, byte[]> redis) {
        redis.functionLoad(RedisFunctionLibrary.source(), true);
    }

    /**
     * Appends the events atomically, in order. All must belong to projects of one shard (with
     * one shard, the default, any batch does).
     *
     * @return their ids, or one of the failures listed on this class
     */
    public CompletableFuture<List<EventId>> publish(List<AssetEvent> events) {
        return publish(events, null).thenApply(StoredBatch::ids);
    }

    /**
     * Appends the events atomically, in order, unless an earlier call with {@code key} stored the
     * same events within the idempotency window: then nothing is stored and the answer holds the
     * earlier ids, marked {@linkplain StoredBatch#replayed() replayed}. The key is checked and
     * recorded in the same atomic call as the write, per shard.
     *
     * @param key the batch's key, the same on every retry; null for none
     * @return the ids, or one of the failures listed on this class
     */
    public CompletableFuture<StoredBatch> publish(List<AssetEvent> events, IdempotencyKey key) {
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(new StoredBatch(List.of(), false));
        }
        CompletableFuture<Void> verified = shardCountVerified;
        if (verified == null || verified.isCompletedExceptionally() && !isMismatch(verified)) {
            verified = verifyShardCount();
            shardCountVerified = verified;
        }
        return verified.thenCompose(ok -> call(events, key));
    }

    /**
     * Redis refuses a publish whose K differs from its shard's meta hash, but a shard this
     * publisher's K has and the log's has not (K too large) has no meta hash to compare with.
     * Shard 0 exists for every K, and every edge creates its meta hash at start: asked once.
     */
    private CompletableFuture<Void> verifyShardCount() {
        return initShard(0).thenAccept(meta -> {
            if (meta.shards() != keys.shards()) {
                throw ShardCountMismatchException.of(meta.shards(), keys.shards(), keys.meta(0));
            }
        });
    }

    private static boolean isMismatch(CompletableFuture<Void> verified) {
        try {
            verified.getNow(null);
            return false;
        } catch (CompletionException e) {
            return e.getCause() instanceof ShardCountMismatchException;
        }
    }

    private CompletableFuture<StoredBatch> call(List<AssetEvent> events, IdempotencyKey key) {
        int shard = keys.shardOf(events.get(0).projectId());
        int first = key == null ? 2 : 3;
        String[] callKeys = new String[first + 3 * events.size()];
        byte[][] args = new byte[limits.length + events.size()][];
        callKeys[0] = keys.firehose(shard);
        callKeys[1] = keys.meta(shard);
        if (key != null) {
            callKeys[2] = keys.idempotency(shard, key.value());
        }
        System.arraycopy(limits, 0, args, 0, limits.length);
        for (int i = 0; i < events.size(); i++) {
            AssetEvent event = events.get(i);
            if (keys.shardOf(event.projectId()) != shard) {
                // One call is one slot: a batch spanning shards could not be written atomically.
                return CompletableFuture.failedFuture(
                        new EventValidationException("project_id", "a batch must not mix projects of different shards")
                                .atIndex(i));
            }
            callKeys[first + 3 * i] = keys.project(shard, event.projectId());
            callKeys[first + 1 + 3 * i] = keys.asset(shard, event.assetId());
            callKeys[first + 2 + 3 * i] = keys.owner(shard, event.assetId());
            args[limits.length + i] = EventJson.encode(event);
        }
        boolean batch = events.size() > 1;
        return redis.<List<Object>>fcall("motioness_publish", ScriptOutputType.MULTI, callKeys, args)
                .toCompletableFuture()
                .handle((reply, error) -> {
                    if (error != null) {
                        throw new CompletionException(translate(error, batch));
                    }
                    return stored(reply);
                });
    }

    /** The ids, one per event; a replay's answer ends with one more element, {@code replayed}. */
    private static StoredBatch stored(List<Object> reply) {
        List<EventId> ids = new ArrayList<>(reply.size());
        boolean replayed = false;
        for (Object element : reply) {
            String id = text(element);
            if (id.equals(REPLAYED)) {
                replayed = true;
            } else {
                ids.add(EventId.parse(id));
            }
        }
        return new StoredBatch(ids, replayed);
    }

    /**
     * Creates the shard's meta hash when it is missing (with this publisher's K and a new epoch)
     * and answers what it holds: an edge compares K with its own for every shard at start, and
     * watches the epoch. {@link #publish} asks for shard 0 by itself, once.
     *
     * @return the shard count the log of this prefix was created with, and the shard's epoch
     */
    public CompletableFuture<ShardMeta> initShard(int shard) {
        String[] callKeys = {keys.meta(shard), keys.firehose(shard)};
        return redis.<List<Object>>fcall("motioness_init", ScriptOutputType.MULTI, callKeys, shards)
                .toCompletableFuture()
                .thenApply(reply ->
                        new ShardMeta(Integer.parseInt(text(reply.get(0))), Long.parseLong(text(reply.get(1)))));
    }

    private static String text(Object bulk) {
        return new String((byte[]) bulk, StandardCharsets.US_ASCII);
    }

    private static Throwable translate(Throwable error, boolean batch) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RedisCommandExecutionException && cause.getMessage() != null) {
            String message = cause.getMessage();
            Matcher invalid = INVALID.matcher(message);
            if (invalid.matches()) {
                return new EventValidationException(invalid.group(2), invalid.group(3))
                        .atIndex(batch ? Integer.parseInt(invalid.group(1)) : -1);
            }
            Matcher ended = ENDED.matcher(message);
            if (ended.matches()) {
                return new AssetEndedException(
                        ended.group(2).equals("-") ? null : EventId.parse(ended.group(2)),
                        batch ? Integer.parseInt(ended.group(1)) : -1,
                        ended.group(3));
            }
            Matcher reused = REUSED.matcher(message);
            if (reused.matches()) {
                return new IdempotencyKeyReusedException(reused.group(1));
            }
            Matcher mismatch = SHARDS.matcher(message);
            if (mismatch.matches()) {
                return new ShardCountMismatchException(
                        Integer.parseInt(mismatch.group(1)), Integer.parseInt(mismatch.group(2)), mismatch.group(3));
            }
        }
        return cause;
    }
}
