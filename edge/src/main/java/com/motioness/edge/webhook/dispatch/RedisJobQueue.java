package com.motioness.edge.webhook.dispatch;

import com.motioness.protocol.redis.RedisKeys;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The jobs of the Redis mode, kept per shard in the slot of the shard's firehose: {@code
 * webhooks:jobs} (hash message id → job JSON), {@code webhooks:due} (zset by due time) and {@code
 * webhooks:leased} (zset by lease expiry). Every step is one Lua script, so a job is always in
 * exactly one of due or leased, and taking an event in (jobs made, firehose entry acknowledged) is
 * atomic: a dispatcher killed at any point leaves either the entry pending in the group or the jobs
 * stored, never neither.
 *
 * <p>Time is the Redis server's ({@code TIME} inside each script; scripts are replicated by effect):
 * every dispatcher compares due times and leases against one clock, whatever the skew between their
 * hosts. Callers pass delays, never instants.
 */
final class RedisJobQueue implements JobQueue {
    private static final String NOW = "local t = redis.call('TIME')\n"
            + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n";

    /** KEYS jobs, leased, firehose; ARGV group, entry id, lease ms, then id and JSON per job. */
    private static final LuaScript INTAKE = new LuaScript(
            "if redis.call('XACK', KEYS[3], ARGV[1], ARGV[2]) == 0 then return 0 end\n" + NOW
                    + "local leaseUntil = now + tonumber(ARGV[3])\n"
                    + "for i = 4, #ARGV, 2 do\n"
                    + "  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])\n"
                    + "  redis.call('ZADD', KEYS[2], leaseUntil, ARGV[i])\n"
                    + "end\n"
                    + "return 1\n",
            ScriptOutputType.INTEGER);

    /** KEYS jobs, due, leased; ARGV max, lease ms. */
    private static final LuaScript CLAIM = new LuaScript(
            NOW + "local max = tonumber(ARGV[1])\n"
                    + "local leaseUntil = now + tonumber(ARGV[2])\n"
                    + "local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, max)\n"
                    + "if #ids < max then\n"
                    + "  local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, max - #ids)\n"
                    + "  for _, id in ipairs(expired) do ids[#ids + 1] = id end\n"
                    + "end\n"
                    + "local out = {}\n"
                    + "for _, id in ipairs(ids) do\n"
                    + "  redis.call('ZREM', KEYS[2], id)\n"
                    + "  local job = redis.call('HGET', KEYS[1], id)\n"
                    + "  if job then\n"
                    + "    redis.call('ZADD', KEYS[3], leaseUntil, id)\n"
                    + "    out[#out + 1] = job\n"
                    + "  else\n"
                    + "    redis.call('ZREM', KEYS[3], id)\n"
                    + "  end\n"
                    + "end\n"
                    + "return out\n",
            ScriptOutputType.MULTI);

    /** KEYS jobs, due, leased; ARGV id. */
    private static final LuaScript COMPLETE = new LuaScript(
            "redis.call('HDEL', KEYS[1], ARGV[1])\n"
                    + "redis.call('ZREM', KEYS[2], ARGV[1])\n"
                    + "redis.call('ZREM', KEYS[3], ARGV[1])\n"
                    + "return 1\n",
            ScriptOutputType.INTEGER);

    /** KEYS jobs, due, leased; ARGV id, JSON, delay ms. */
    private static final LuaScript SCHEDULE = new LuaScript(
            NOW + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
                    + "redis.call('ZREM', KEYS[3], ARGV[1])\n"
                    + "redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])\n"
                    + "return 1\n",
            ScriptOutputType.INTEGER);

    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final RedisKeys keys;
    private final long leaseMs;
    /** Per shard: its jobs, due and leased keys, made once (scripts only read them). */
    private final String[][] keysByShard;

    RedisJobQueue(RedisClusterAsyncCommands<String, byte[]> redis, RedisKeys keys, long leaseMs) {
        this.redis = redis;
        this.keys = keys;
        this.leaseMs = leaseMs;
        this.keysByShard = new String[keys.shards()][];
        for (int shard = 0; shard < keys.shards(); shard++) {
            keysByShard[shard] = new String[] {
                keys.ofShard(shard, "webhooks:jobs"),
                keys.ofShard(shard, "webhooks:due"),
                keys.ofShard(shard, "webhooks:leased")
            };
        }
    }

    private String[] keysOf(int shard) {
        return keysByShard[shard];
    }

    /**
     * Stores the jobs made from one firehose entry, leased to the caller, and acknowledges the entry
     * in the group, atomically. Answers false when the entry was acknowledged already (another
     * consumer claimed it and took it in): the caller must then not send these jobs.
     */
    CompletableFuture<Boolean> intake(int shard, String group, String entryId, List<WebhookJob> jobs) {
        String[] scriptKeys = {
            keys.ofShard(shard, "webhooks:jobs"), keys.ofShard(shard, "webhooks:leased"), keys.firehose(shard)
        };
        byte[][] args = new byte[3 + 2 * jobs.size()][];
        args[0] = ascii(group);
        args[1] = ascii(entryId);
        args[2] = ascii(Long.toString(leaseMs));
        for (int i = 0; i < jobs.size(); i++) {
            args[3 + 2 * i] = ascii(jobs.get(i).messageId());
            args[4 + 2 * i] = WebhookJobCodec.encode(jobs.get(i));
        }
        return INTAKE.<Long>run(redis, scriptKeys, args).thenApply(taken -> taken == 1L);
    }

    @Override
    public CompletableFuture<List<WebhookJob>> claim(int max) {
        List<CompletableFuture<List<Object>>> perShard = new ArrayList<>(keys.shards());
        for (int shard = 0; shard < keys.shards(); shard++) {
            perShard.add(CLAIM.run(redis, keysOf(shard), ascii(Integer.toString(max)), ascii(Long.toString(leaseMs))));
        }
        return CompletableFuture.allOf(perShard.toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    List<WebhookJob> jobs = new ArrayList<>();
                    for (CompletableFuture<List<Object>> shard : perShard) {
                        for (Object json : shard.join()) {
                            jobs.add(WebhookJobCodec.decode((byte[]) json));
                        }
                    }
                    return jobs;
                });
    }

    @Override
    public CompletableFuture<Void> complete(WebhookJob job) {
        return COMPLETE.<Long>run(redis, keysOf(keys.shardOf(job.projectId())), ascii(job.messageId()))
                .thenApply(done -> null);
    }

    @Override
    public CompletableFuture<Void> schedule(WebhookJob job, long delayMs) {
        return SCHEDULE.<Long>run(
                        redis,
                        keysOf(keys.shardOf(job.projectId())),
                        ascii(job.messageId()),
                        WebhookJobCodec.encode(job),
                        ascii(Long.toString(Math.max(0, delayMs))))
                .thenApply(done -> null);
    }

    @Override
    public CompletableFuture<long[]> counts() {
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        List<CompletableFuture<Long>> due = new ArrayList<>();
        for (int shard = 0; shard < keys.shards(); shard++) {
            pending.add(redis.hlen(keys.ofShard(shard, "webhooks:jobs")).toCompletableFuture());
            due.add(redis.zcard(keys.ofShard(shard, "webhooks:due")).toCompletableFuture());
        }
        List<CompletableFuture<Long>> all = new ArrayList<>(pending);
        all.addAll(due);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(done -> new long[] {sum(pending), sum(due)});
    }

    private static long sum(List<CompletableFuture<Long>> counts) {
        long total = 0;
        for (CompletableFuture<Long> count : counts) {
            total += count.join();
        }
        return total;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        // The connection is the backend's, closed by its owner.
    }
}
