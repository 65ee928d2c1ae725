package com.motioness.edge.webhook.store;

import com.motioness.edge.log.redis.RedisBackend;
import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.DeadLetterStore;
import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dead letters of Redis mode, per project in its shard's slot: a hash
 * {@code webhooks:dead:<project>} (message id to the letter's JSON, body included) and a sorted set
 * {@code webhooks:dead-by-time:<project>} (message id by the time it died) for oldest-first lists.
 * Adding and taking are Lua scripts (EVAL, not the log's function library), so a letter is taken
 * by one caller only, and the bound ({@value #MAX_PER_PROJECT} per project, oldest dropped) holds.
 */
public final class RedisDeadLetterStore implements DeadLetterStore {
    /** The most dead letters kept per project; the oldest are dropped to make room. */
    public static final int MAX_PER_PROJECT = 10_000;

    // KEYS: hash, zset. ARGV: message id, dead ms, document, bound. Returns how many were dropped.
    private static final String ADD = """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
            redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
            local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
            if over <= 0 then return 0 end
            local oldest = redis.call('ZPOPMIN', KEYS[2], over)
            for i = 1, #oldest, 2 do redis.call('HDEL', KEYS[1], oldest[i]) end
            return over
            """;
    // KEYS: hash, zset. ARGV: message id. Returns the document, or nil when another took it.
    private static final String TAKE = """
            local document = redis.call('HGET', KEYS[1], ARGV[1])
            if not document then return false end
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return document
            """;

    private final RedisBackend redis;
    private final RedisKeys keys;
    private final int maxPerProject;
    private final AtomicLong dropped = new AtomicLong();

    public RedisDeadLetterStore(RedisBackend redis, String prefix, int shards) {
        this(redis, prefix, shards, MAX_PER_PROJECT);
    }

    /** @param maxPerProject the most kept per project (tests use a small bound) */
    public RedisDeadLetterStore(RedisBackend redis, String prefix, int shards, int maxPerProject) {
        if (maxPerProject < 1) {
            throw new IllegalArgumentException("maxPerProject must be at least 1");
        }
        this.redis = redis;
        this.keys = new RedisKeys(prefix, shards);
        this.maxPerProject = maxPerProject;
    }

    private String[] keysOf(String projectId) {
        int shard = keys.shardOf(projectId);
        return new String[] {
            keys.ofShard(shard, "webhooks:dead:" + projectId), keys.ofShard(shard, "webhooks:dead-by-time:" + projectId)
        };
    }

    @Override
    public CompletableFuture<Void> add(DeadLetter letter) {
        return redis.async()
                .<Long>eval(
                        ADD,
                        ScriptOutputType.INTEGER,
                        keysOf(letter.projectId()),
                        ascii(letter.messageId()),
                        ascii(Long.toString(letter.deadMs())),
                        StoredJson.deadLetter(letter),
                        ascii(Integer.toString(maxPerProject)))
                .toCompletableFuture()
                .thenAccept(over -> dropped.addAndGet(over));
    }

    @Override
    public CompletableFuture<List<DeadLetter>> list(String projectId, int limit) {
        if (limit < 1) {
            return CompletableFuture.completedFuture(List.of());
        }
        String[] keys = keysOf(projectId);
        return redis.async().zrange(keys[1], 0, limit - 1).toCompletableFuture().thenCompose(members -> {
            if (members.isEmpty()) {
                return CompletableFuture.completedFuture(List.<DeadLetter>of());
            }
            String[] ids = new String[members.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = new String(members.get(i), StandardCharsets.UTF_8);
            }
            return redis.async().hmget(keys[0], ids).toCompletableFuture().thenApply(RedisDeadLetterStore::decode);
        });
    }

    private static List<DeadLetter> decode(List<KeyValue<String, byte[]>> documents) {
        List<DeadLetter> letters = new ArrayList<>(documents.size());
        for (KeyValue<String, byte[]> document : documents) {
            // Taken between the two reads: not listed.
            if (document.hasValue()) {
                letters.add(StoredJson.deadLetter(document.getValue()));
            }
        }
        return letters;
    }

    @Override
    public CompletableFuture<DeadLetter> take(String projectId, String messageId) {
        return redis.async()
                .<byte[]>eval(TAKE, ScriptOutputType.VALUE, keysOf(projectId), ascii(messageId))
                .toCompletableFuture()
                .thenApply(document -> document == null ? null : StoredJson.deadLetter(document));
    }

    /** Dead letters this process dropped because their project had {@code maxPerProject} newer ones. */
    public long dropped() {
        return dropped.get();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {}
}
