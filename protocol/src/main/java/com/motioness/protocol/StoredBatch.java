package com.motioness.protocol;

import java.util.List;

/**
 * What the log answers for a batch it took: the events' ids in batch order, and whether they are
 * the ids of an earlier call with the same {@link IdempotencyKey} and the same events, in which
 * case nothing was stored this time.
 *
 * @param ids one id per event, in order
 * @param replayed true when this call repeated an earlier success and stored nothing
 */
public record StoredBatch(List<EventId> ids, boolean replayed) {
    /** Copies the ids. */
    public StoredBatch {
        ids = List.copyOf(ids);
    }
}
