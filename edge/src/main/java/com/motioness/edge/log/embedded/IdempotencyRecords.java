package com.motioness.edge.log.embedded;

import com.motioness.protocol.EventId;
import com.motioness.protocol.IdempotencyKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches the embedded log stored with an idempotency key, each remembered for the window:
 * its digest and its ids. A batch's ids share one millisecond and have consecutive sequences
 * (the log assigns them so), so a record is three numbers whatever the batch's size.
 *
 * <p>Bounded in count: past {@code maxKeys} the oldest record is forgotten early, and a retry of
 * that batch would store it again. Records are kept in insertion order, which is also expiry order
 * (one window for all), so expiring is a walk from the oldest. Not thread-safe: the log's lock
 * guards it.
 */
final class IdempotencyRecords {
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyRecords.class);

    /** One stored batch. */
    record Stored(byte[] digest, long ms, long firstSeq, int count, long expiresAtMs) {
        /** True when this record is of a batch with {@code otherDigest}: the same events. */
        boolean sameBatch(byte[] otherDigest) {
            return Arrays.equals(digest, otherDigest);
        }

        /** The batch's ids, in order. */
        List<EventId> ids() {
            List<EventId> ids = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ids.add(new EventId(ms, firstSeq + i));
            }
            return ids;
        }
    }

    private final long windowMs;
    private final int maxKeys;
    private final Map<IdempotencyKey, Stored> records;
    private boolean boundReached;

    IdempotencyRecords(long windowMs, int maxKeys) {
        this.windowMs = windowMs;
        this.maxKeys = maxKeys;
        this.records = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<IdempotencyKey, Stored> eldest) {
                if (size() <= IdempotencyRecords.this.maxKeys) {
                    return false;
                }
                if (!boundReached) {
                    boundReached = true;
                    LOG.warn(
                            "more than {} idempotency keys within the window: the oldest are forgotten early, and a"
                                    + " retry of their batch would be stored again (use Redis for more)",
                            IdempotencyRecords.this.maxKeys);
                }
                return true;
            }
        };
    }

    /** The record of {@code key}, or null when there is none within the window. */
    Stored find(IdempotencyKey key, long nowMs) {
        Stored stored = records.get(key);
        if (stored != null && stored.expiresAtMs() <= nowMs) {
            records.remove(key);
            return null;
        }
        return stored;
    }

    /** Remembers a batch stored under {@code key}: {@code count} ids from {@code (ms, firstSeq)}. */
    void add(IdempotencyKey key, byte[] digest, long ms, long firstSeq, int count, long nowMs) {
        records.put(key, new Stored(digest, ms, firstSeq, count, nowMs + windowMs));
    }

    /** Forgets the records whose window has passed. */
    void expire(long nowMs) {
        for (Iterator<Stored> it = records.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresAtMs() > nowMs) {
                return;
            }
            it.remove();
        }
    }

    /** Records held now. */
    int size() {
        return records.size();
    }

    /**
     * The digest a batch is compared by: SHA-1 of the events' JSON as stored, joined by LF (the
     * Redis function hashes the same bytes).
     */
    static byte[] digest(byte[][] json) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
        for (int i = 0; i < json.length; i++) {
            if (i > 0) {
                sha1.update((byte) '\n');
            }
            sha1.update(json[i]);
        }
        return sha1.digest();
    }
}
