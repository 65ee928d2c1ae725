package com.motioness.edge.log.redis;

import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.LogUnavailableException;
import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.log.ReplayPage;
import com.motioness.edge.log.StreamRef;
import com.motioness.edge.ring.EventRing;
import com.motioness.protocol.AssetEndedException;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.IdempotencyKeyReusedException;
import com.motioness.protocol.StoredBatch;
import com.motioness.protocol.redis.EventPublisher;
import com.motioness.protocol.redis.RedisFunctionLibrary;
import com.motioness.protocol.redis.RedisKeys;
import com.motioness.protocol.redis.ShardCountMismatchException;
import com.motioness.protocol.redis.ShardMeta;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log on Redis Streams, shared by every edge node. Appends go through one FCALL of the
 * {@code motioness} library (validated and written atomically in Redis); replay reads the asset or
 * project stream with XRANGE from an exclusive start; one {@link FirehoseReader} per shard feeds
 * the node's ring; a {@link HistoryWatch} notices when Redis lost a shard's history. Keys: see
 * {@link RedisKeys}.
 */
public final class RedisEventLog implements EventLog {
    private static final Logger LOG = LoggerFactory.getLogger(RedisEventLog.class);
    /** The library name in redis/motioness.lua's shebang line. */
    private static final String LIBRARY = "motioness";

    private static final long STARTUP_TIMEOUT_SECONDS = 5;
    private static final Duration HISTORY_CHECK_PERIOD = Duration.ofSeconds(1);

    private final RedisBackend backend;
    private final RedisKeys keys;
    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final List<FirehoseReader> readers = new ArrayList<>();
    private final EventPublisher publisher;
    private final HistoryWatch historyWatch;
    /** 0 … K-1: where a caller that may read several projects looks for an asset. */
    private final List<Integer> allShards;

    /**
     * Connects to a Redis or a Redis Cluster (found out at connect), loads the function library
     * (on every master), checks that the log has this node's shard count, and starts one firehose
     * reader per shard and the history watch.
     *
     * @param uri {@code redis://host:port} of the server, or of any node of a Cluster
     * @param retention stream lengths, asset lifetimes, the idempotency window
     * @throws ShardCountMismatchException when the log was created with another K
     */
    public RedisEventLog(String uri, RedisKeys keys, EventRing ring, RedisRetention retention) {
        this.backend = RedisBackend.connect(uri);
        this.keys = keys;
        this.redis = backend.async();
        this.allShards =
                java.util.stream.IntStream.range(0, keys.shards()).boxed().toList();
        backend.loadFunctions(RedisFunctionLibrary.source());
        LOG.info(
                "loaded Redis function library motioness version {} ({}, {} shards)",
                RedisFunctionLibrary.VERSION,
                backend.isCluster() ? "Cluster" : "single Redis",
                keys.shards());
        this.publisher = new EventPublisher(
                redis,
                keys,
                retention.firehoseLength(),
                retention.streamLength(),
                retention.runningTtl(),
                retention.finishedTtl(),
                retention.idempotencyWindow());
        long[] epochs;
        try {
            epochs = initShards(uri);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        for (int shard = 0; shard < keys.shards(); shard++) {
            FirehoseReader reader = new FirehoseReader(backend, keys.firehose(shard), ring, shard);
            reader.start();
            readers.add(reader);
        }
        this.historyWatch = new HistoryWatch(
                redis,
                keys,
                shard -> withLibrary(() -> publisher.initShard(shard)),
                readers,
                epochs,
                HISTORY_CHECK_PERIOD);
    }

    /**
     * Every shard's meta hash holds the K of the prefix (created with ours when missing); a node
     * with another K would answer empty replays from the wrong shards, so it must not start.
     * Shard 0 exists for every K and is asked first.
     *
     * @return each shard's epoch, where its current history began
     */
    private long[] initShards(String uri) {
        long[] epochs = new long[keys.shards()];
        for (int shard = 0; shard < keys.shards(); shard++) {
            ShardMeta meta;
            try {
                meta = publisher.initShard(shard).get(STARTUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "reading " + keys.meta(shard) + " on " + uri + ": "
                                + e.getCause().getMessage(),
                        e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "Redis at " + uri + " did not answer within " + STARTUP_TIMEOUT_SECONDS + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (meta.shards() != keys.shards()) {
                throw new ShardCountMismatchException(
                        meta.shards(),
                        keys.shards(),
                        "--redis-shards is " + keys.shards()
                                + " but the log on " + uri + " has " + meta.shards() + " shards (" + keys.meta(shard)
                                + " field shards); every edge and producer of a prefix must use the same K");
            }
            epochs[shard] = meta.epochMillis();
        }
        return epochs;
    }

    @Override
    public CompletableFuture<StoredBatch> append(List<AssetEvent> events, IdempotencyKey key) {
        return withLibrary(() -> publisher.publish(events, key)).exceptionallyCompose(error -> {
            Throwable cause = rootCause(error);
            // Refusals of the input reach the producer as they are; anything else is the log's trouble.
            return CompletableFuture.failedFuture(
                    cause instanceof EventValidationException
                                    || cause instanceof AssetEndedException
                                    || cause instanceof IdempotencyKeyReusedException
                            ? cause
                            : new LogUnavailableException("event log unavailable: " + cause.getMessage()));
        });
    }

    /**
     * Runs a function call; a Redis that lost its functions (a restart without persistence, a
     * FUNCTION FLUSH) gets the library again, once, and the call is repeated. Loading waits on
     * every master: never on a Lettuce I/O thread.
     */
    private <T> CompletableFuture<T> withLibrary(Supplier<CompletableFuture<T>> call) {
        return call.get().exceptionallyCompose(error -> {
            if (String.valueOf(rootCause(error).getMessage()).contains("Function not found")) {
                return CompletableFuture.runAsync(() -> backend.loadFunctions(RedisFunctionLibrary.source()))
                        .thenCompose(loaded -> call.get());
            }
            return CompletableFuture.failedFuture(error);
        });
    }

    private static Throwable rootCause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    @Override
    public CompletableFuture<ReplayPage> read(StreamRef stream, EventId after, int limit) {
        if (!stream.isAsset()) {
            return readStream(keys.project(keys.shardOf(stream.id()), stream.id()), stream.id(), false, after, limit);
        }
        String hint = stream.projectHint();
        List<Integer> shards = hint != null ? List.of(keys.shardOf(hint)) : allShards;
        // The caller may read one project only: its shard is the one place to look, so a shard
        // that does not answer (a Cluster master down) fails no other project's streams.
        CompletableFuture<String> owner =
                ownerIn(shards, stream.id()).thenApply(found -> hint == null || hint.equals(found) ? found : null);
        return owner.thenCompose(project -> project == null
                ? historyStartOf(shards).thenApply(ReplayPage::notFound)
                : readStream(keys.asset(keys.shardOf(project), stream.id()), project, true, after, limit));
    }

    /** The project owning an asset: its owner key lives in the project's shard, so look in each given. */
    private CompletableFuture<String> ownerIn(List<Integer> shards, String assetId) {
        List<CompletableFuture<byte[]>> lookups = new ArrayList<>(shards.size());
        for (int shard : shards) {
            lookups.add(redis.get(keys.owner(shard, assetId)).toCompletableFuture());
        }
        return CompletableFuture.allOf(lookups.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> {
                    for (CompletableFuture<byte[]> lookup : lookups) {
                        if (lookup.join() != null) {
                            return new String(lookup.join(), StandardCharsets.UTF_8);
                        }
                    }
                    return null;
                });
    }

    /**
     * Where the history of an asset the log does not hold begins: the latest start of the shards
     * it could be in, so a cursor from before any of their losses is told what it missed.
     */
    private CompletableFuture<EventId> historyStartOf(List<Integer> shards) {
        List<CompletableFuture<byte[]>> epochs = new ArrayList<>(shards.size());
        for (int shard : shards) {
            epochs.add(redis.hget(keys.meta(shard), "epoch").toCompletableFuture());
        }
        return CompletableFuture.allOf(epochs.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> {
                    EventId latest = EventId.ZERO;
                    for (CompletableFuture<byte[]> epoch : epochs) {
                        EventId start = historyStart(epoch.join());
                        latest = start.compareTo(latest) > 0 ? start : latest;
                    }
                    return latest;
                });
    }

    private CompletableFuture<ReplayPage> readStream(
            String key, String owner, boolean asset, EventId after, int limit) {
        Range<String> range = Range.from(
                after == null ? Range.Boundary.unbounded() : Range.Boundary.excluding(after.toRedisId()),
                Range.Boundary.unbounded());
        CompletableFuture<List<StreamMessage<String, byte[]>>> page =
                redis.xrange(key, range, Limit.from(limit + 1)).toCompletableFuture();
        CompletableFuture<List<StreamMessage<String, byte[]>>> newest = asset
                ? redis.xrevrange(key, Range.create("-", "+"), Limit.from(1)).toCompletableFuture()
                : CompletableFuture.completedFuture(List.of());
        CompletableFuture<List<Object>> info =
                redis.xinfoStream(key).toCompletableFuture().exceptionally(noSuchStream -> List.of());
        // Read with every page, in the same pipelined batch: right after Redis lost its data, when
        // every client reconnects at once, is exactly when a remembered epoch would be wrong.
        CompletableFuture<byte[]> epoch =
                redis.hget(keys.meta(keys.shardOf(owner)), "epoch").toCompletableFuture();
        return CompletableFuture.allOf(page, newest, info, epoch).handle((done, error) -> {
            if (error != null) {
                throw unavailable(error);
            }
            List<StreamMessage<String, byte[]>> entries = page.join();
            List<LoggedEvent> events = new ArrayList<>(Math.min(limit, entries.size()));
            for (int i = 0; i < entries.size() && i < limit; i++) {
                LoggedEvent event = decode(entries.get(i));
                if (event != null) {
                    events.add(event);
                }
            }
            EventId terminal = null;
            EventId newestId = asset ? null : lastGeneratedId(info.join());
            if (!newest.join().isEmpty()) {
                LoggedEvent last = decode(newest.join().get(0));
                newestId = EventId.parse(newest.join().get(0).getId());
                if (last != null && last.type().isTerminal()) {
                    terminal = last.id();
                }
            }
            return new ReplayPage(
                    events,
                    entries.size() > limit,
                    owner,
                    terminal,
                    trimmedThrough(info.join()),
                    newestId,
                    historyStart(epoch.join()));
        });
    }

    /**
     * One XREVRANGE of the newest {@code count + 1} entries, for the id of the last: Redis finds a
     * stream entry by id, never by position. A round trip of its own, taken only by a feed opened
     * with a tail (a page being loaded), once, before its first page.
     */
    @Override
    public CompletableFuture<EventId> cursorBeforeNewest(String projectId, int count) {
        String key = keys.project(keys.shardOf(projectId), projectId);
        return redis.xrevrange(key, Range.create("-", "+"), Limit.from(count + 1L))
                .toCompletableFuture()
                .handle((newest, error) -> {
                    if (error != null) {
                        throw unavailable(error);
                    }
                    return newest.size() > count
                            ? EventId.parse(newest.get(count).getId())
                            : EventId.ZERO;
                });
    }

    private static CompletionException unavailable(Throwable error) {
        return new CompletionException(new LogUnavailableException("event log unavailable: "
                + (error.getCause() != null ? error.getCause().getMessage() : error.getMessage())));
    }

    /**
     * Where the shard's history begins, from its meta hash's epoch. Without one (Redis lost its
     * data and nothing has written since) the start is unknown: taken as now, so every earlier
     * cursor is told its replay may be incomplete.
     */
    static EventId historyStart(byte[] epoch) {
        long ms = epoch == null
                ? System.currentTimeMillis()
                : Long.parseLong(new String(epoch, StandardCharsets.US_ASCII));
        return ms == 0 ? EventId.ZERO : new EventId(ms, 0);
    }

    /**
     * The newest id no longer in the stream, from XINFO STREAM. Trimming (MAXLEN) does not move
     * Redis's max-deleted-entry-id, so when entries-added exceeds the length, everything before
     * the first entry counts as gone: the id just before it is reported. That is conservative — a
     * cursor exactly at the last trimmed entry is told its replay is incomplete when it is not.
     */
    static EventId trimmedThrough(List<Object> info) {
        long length = 0;
        long added = 0;
        String first = null;
        String last = null;
        String maxDeleted = null;
        for (int i = 0; i + 1 < info.size(); i += 2) {
            Object value = info.get(i + 1);
            switch (text(info.get(i))) {
                case "length" -> length = ((Number) value).longValue();
                case "entries-added" -> added = ((Number) value).longValue();
                case "last-generated-id" -> last = text(value);
                case "max-deleted-entry-id" -> maxDeleted = text(value);
                case "first-entry" ->
                    first = value instanceof List<?> entry && !entry.isEmpty() ? text(entry.get(0)) : null;
                default -> {}
            }
        }
        EventId trimmed = null;
        if (added > length) {
            trimmed = first != null ? EventId.parse(first).previous() : last != null ? EventId.parse(last) : null;
        }
        if (maxDeleted != null && !maxDeleted.equals("0-0")) {
            EventId deleted = EventId.parse(maxDeleted);
            trimmed = trimmed == null || deleted.compareTo(trimmed) > 0 ? deleted : trimmed;
        }
        return trimmed;
    }

    /** The id of the newest entry the stream ever took, from XINFO STREAM; null without a stream. */
    static EventId lastGeneratedId(List<Object> info) {
        for (int i = 0; i + 1 < info.size(); i += 2) {
            if (text(info.get(i)).equals("last-generated-id")) {
                EventId id = EventId.parse(text(info.get(i + 1)));
                return id.equals(EventId.ZERO) ? null : id;
            }
        }
        return null;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : String.valueOf(value);
    }

    private static LoggedEvent decode(StreamMessage<String, byte[]> entry) {
        byte[] json = entry.getBody().get("e");
        try {
            AssetEvent event = EventJson.decode(json);
            EventId id = EventId.parse(entry.getId());
            return new LoggedEvent(id.ms(), id.seq(), event.type(), event.projectId(), event.assetId(), json);
        } catch (EventValidationException | RuntimeException e) {
            LOG.warn("skipped undecodable entry {}: {}", entry.getId(), e.getMessage());
            return null;
        }
    }

    /**
     * How far each shard's reader is behind, in milliseconds: now minus the time of the last
     * entry it took while it still had a backlog, 0 when it had caught up.
     */
    public long[] readerLagMillis() {
        long[] lag = new long[readers.size()];
        for (int i = 0; i < lag.length; i++) {
            lag[i] = readers.get(i).lagMillis();
        }
        return lag;
    }

    /**
     * What stops this node from serving, or null: Redis must answer, with the {@code motioness}
     * function library loaded (a Redis restarted without persistence has lost it). One round trip,
     * waited for at most a second; callers cache the answer.
     */
    public String unavailability() {
        try {
            List<java.util.Map<String, Object>> libraries =
                    redis.functionList(LIBRARY).get(1, java.util.concurrent.TimeUnit.SECONDS);
            return libraries == null || libraries.isEmpty()
                    ? "Redis answers but the " + LIBRARY + " function library is not loaded"
                    : null;
        } catch (java.util.concurrent.TimeoutException e) {
            return "Redis did not answer within 1 s";
        } catch (java.util.concurrent.ExecutionException e) {
            return "Redis unavailable: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Firehose entries skipped since this node started because they could not be routed. */
    public long undecodableEntries() {
        long total = 0;
        for (FirehoseReader reader : readers) {
            total += reader.undecodable();
        }
        return total;
    }

    /** How many times a shard's history was found lost (a new epoch) since this node started. */
    public long historyLosses() {
        return historyWatch.losses();
    }

    @Override
    public void close() {
        historyWatch.close();
        for (FirehoseReader reader : readers) {
            reader.stop();
        }
        backend.close();
    }
}
