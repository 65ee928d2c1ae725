package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.log.redis.RedisBackend;
import com.motioness.protocol.redis.RedisKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The consumer group's lag per shard (XINFO GROUPS {@code lag}, Redis 7): entries of the firehose
 * no dispatcher has read yet. Sampled every few seconds, read at scrape time.
 */
final class GroupLag {
    private final RedisBackend backend;
    private final RedisKeys keys;
    private final String group;
    private final long[] lags;

    GroupLag(RedisBackend backend, RedisKeys keys, String group) {
        this.backend = backend;
        this.keys = keys;
        this.group = group;
        this.lags = new long[keys.shards()];
    }

    void sample() {
        for (int shard = 0; shard < keys.shards(); shard++) {
            int at = shard;
            backend.async().xinfoGroups(keys.firehose(shard)).whenComplete((groups, error) -> {
                if (groups != null) {
                    lags[at] = lagOf(groups);
                }
            });
        }
    }

    /** XINFO GROUPS answers a flat name/value list per group. */
    private long lagOf(List<Object> groups) {
        for (Object entry : groups) {
            if (entry instanceof List<?> fields) {
                boolean ours = false;
                long lag = 0;
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    String name = text(fields.get(i));
                    Object value = fields.get(i + 1);
                    if ("name".equals(name)) {
                        ours = group.equals(text(value));
                    } else if ("lag".equals(name) && value instanceof Long number) {
                        lag = number;
                    }
                }
                if (ours) {
                    return lag;
                }
            }
        }
        return 0;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    long[] lags() {
        return lags.clone();
    }
}
