package com.motioness.edge.config;

import static com.motioness.edge.config.Checks.check;

import java.time.Duration;
import java.util.List;

/**
 * The event log and the ring it feeds: what is kept and for how long, and, for the log shared by
 * several nodes, where Redis is and how the log is laid out there.
 *
 * @param ringSize {@code --ring-size}
 * @param retentionCount {@code --retention-count}
 * @param retentionAge {@code --retention-age}
 * @param idempotencyWindow {@code --idempotency-window}: how long an ingest batch's idempotency key is remembered
 * @param redis {@code --redis}: the Redis URI of the shared log, or null for the embedded log
 * @param redisPrefix {@code --redis-prefix}
 * @param redisShards {@code --redis-shards}
 * @param redisFirehoseLength {@code --redis-firehose-length}: entries each shard's firehose keeps (approximately)
 * @param redisRunningTtl {@code --redis-running-ttl}: how long a running asset stays readable after its last event
 */
public record LogSettings(
        int ringSize,
        int retentionCount,
        Duration retentionAge,
        Duration idempotencyWindow,
        String redis,
        String redisPrefix,
        int redisShards,
        int redisFirehoseLength,
        Duration redisRunningTtl) {
    /** {@code --ring-size}. */
    public static final Setting<Integer> RING_SIZE =
            Setting.integer("--ring-size", "N", 65_536, "Slots of the event ring, a power of two");
    /** {@code --retention-count}. */
    public static final Setting<Integer> RETENTION_COUNT =
            Setting.integer("--retention-count", "N", 1000, "Events kept per stream");
    /** {@code --retention-age}. */
    public static final Setting<Duration> RETENTION_AGE =
            Setting.duration("--retention-age", Duration.ofHours(1), "How long events are kept");
    /** {@code --idempotency-window}. */
    public static final Setting<Duration> IDEMPOTENCY_WINDOW = Setting.duration(
            "--idempotency-window",
            Duration.ofHours(24),
            "How long an ingest batch's Idempotency-Key is remembered: a retry within it stores " + "nothing");
    /** {@code --redis}. */
    public static final Setting<String> REDIS = Setting.text(
                    "--redis", "URI", null, "Use Redis Streams as the shared log, redis://host:port")
            .shown("none, the log is embedded");
    /** {@code --redis-prefix}. */
    public static final Setting<String> REDIS_PREFIX =
            Setting.text("--redis-prefix", "PREFIX", "mx", "First part of every Redis key");
    /** {@code --redis-shards}. */
    public static final Setting<Integer> REDIS_SHARDS =
            Setting.integer("--redis-shards", "K", 1, "Shards the log is split into by project");
    /** {@code --redis-firehose-length}. */
    public static final Setting<Integer> REDIS_FIREHOSE_LENGTH = Setting.integer(
            "--redis-firehose-length", "N", 100_000, "Entries each shard's firehose keeps, approximately");
    /** {@code --redis-running-ttl}. */
    public static final Setting<Duration> REDIS_RUNNING_TTL = Setting.duration(
            "--redis-running-ttl",
            Duration.ofHours(24),
            "How long a running asset stays readable after its last event");
    /** Every setting of this concern, in the order of {@code --help}. */
    public static final List<Setting<?>> SETTINGS = List.of(
            RING_SIZE,
            RETENTION_COUNT,
            RETENTION_AGE,
            IDEMPOTENCY_WINDOW,
            REDIS,
            REDIS_PREFIX,
            REDIS_SHARDS,
            REDIS_FIREHOSE_LENGTH,
            REDIS_RUNNING_TTL);

    /**
     * Validates every value.
     *
     * @throws IllegalArgumentException naming the flag of the first invalid one
     */
    public LogSettings {
        RING_SIZE.range(ringSize, 1024, 16 * 1024 * 1024);
        check(Integer.bitCount(ringSize) == 1, "--ring-size must be a power of two, got " + ringSize);
        RETENTION_COUNT.range(retentionCount, 1, 1_000_000);
        RETENTION_AGE.positive(retentionAge);
        // Whole seconds: Redis keeps a key for EX seconds.
        check(
                idempotencyWindow != null
                        && idempotencyWindow.compareTo(Duration.ofSeconds(1)) >= 0
                        && idempotencyWindow.compareTo(Duration.ofDays(30)) <= 0
                        && idempotencyWindow.toMillis() % 1000 == 0,
                "--idempotency-window must be whole seconds between 1s and 720h, got "
                        + Checks.shown(idempotencyWindow));
        check(
                redis == null || redis.startsWith("redis://") || redis.startsWith("rediss://"),
                "--redis must be a redis:// or rediss:// URI, got \"" + redis + "\"");
        check(
                redisPrefix != null && redisPrefix.matches("[A-Za-z0-9_.-]{1,32}"),
                "--redis-prefix must be 1-32 characters of A-Z a-z 0-9 _ . -, got \"" + redisPrefix + "\"");
        REDIS_SHARDS.range(redisShards, 1, 1024);
        REDIS_FIREHOSE_LENGTH.range(redisFirehoseLength, 1000, 100_000_000);
        REDIS_RUNNING_TTL.positive(redisRunningTtl);
    }

    static LogSettings from(SettingValues values) {
        return new LogSettings(
                values.get(RING_SIZE),
                values.get(RETENTION_COUNT),
                values.get(RETENTION_AGE),
                values.get(IDEMPOTENCY_WINDOW),
                values.get(REDIS),
                values.get(REDIS_PREFIX),
                values.get(REDIS_SHARDS),
                values.get(REDIS_FIREHOSE_LENGTH),
                values.get(REDIS_RUNNING_TTL));
    }
}
