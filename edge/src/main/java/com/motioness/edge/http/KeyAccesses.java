package com.motioness.edge.http;

import com.motioness.edge.auth.ProjectKeys;
import com.motioness.edge.limits.StreamLimits;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link StreamAccess} per project key, shared by every stream opened with it: the access
 * depends on nothing but the key and its project, and each stream kept its own (the record, its
 * two checks and the key's string from its URL: about 130 B an idle stream holds for its life).
 * A key that now opens another project gets a new access. Bounded: past the size limit the whole
 * map is dropped (open streams keep theirs); a revoked key's entry stays until then, harmless,
 * since a stream is refused before its access is looked up and the shared recheck asks the
 * registry each time.
 */
final class KeyAccesses {
    private record Shared(String project, StreamAccess access) {}

    private final ProjectKeys keys;
    private final Duration recheckEvery;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Shared> byKey = new ConcurrentHashMap<>();

    /**
     * @param recheckEvery how often an open stream asks the registry whether its key still holds
     * @param maxKeys the most keys remembered at once
     */
    KeyAccesses(ProjectKeys keys, Duration recheckEvery, int maxKeys) {
        this.keys = keys;
        this.recheckEvery = recheckEvery;
        this.maxKeys = maxKeys;
    }

    /** The access of a stream opened with {@code key}, which the registry said opens {@code project}. */
    StreamAccess of(String key, String project) {
        Shared shared = byKey.get(key);
        if (shared != null && shared.project.equals(project)) {
            return shared.access;
        }
        if (byKey.size() >= maxKeys) {
            byKey.clear();
        }
        // A key revoked while its stream is open ends the stream at the next check.
        StreamAccess access = new StreamAccess(
                StreamLimits.Kind.KEY,
                key,
                owner -> CompletableFuture.completedFuture(owner.equals(project)),
                recheckEvery,
                () -> keys.projectOf(key).thenApply(project::equals));
        byKey.put(key, new Shared(project, access));
        return access;
    }
}
