package com.motioness.edge.webhook.store;

import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.DeadLetterStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dead letters of embedded mode, in memory: at most {@code maxPerProject} per project, the
 * oldest dropped (and counted) to make room.
 */
public final class MemoryDeadLetterStore implements DeadLetterStore {
    private static final Comparator<DeadLetter> OLDEST_FIRST =
            Comparator.comparingLong(DeadLetter::deadMs).thenComparing(DeadLetter::messageId);

    private final int maxPerProject;
    private final Map<String, ProjectLetters> byProject = new HashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    /** @param maxPerProject the most dead letters kept per project ({@link RedisDeadLetterStore#MAX_PER_PROJECT} in production) */
    public MemoryDeadLetterStore(int maxPerProject) {
        if (maxPerProject < 1) {
            throw new IllegalArgumentException("maxPerProject must be at least 1");
        }
        this.maxPerProject = maxPerProject;
    }

    public MemoryDeadLetterStore() {
        this(RedisDeadLetterStore.MAX_PER_PROJECT);
    }

    /** One project's letters, by id and by age. */
    private static final class ProjectLetters {
        final Map<String, DeadLetter> byId = new HashMap<>();
        final TreeSet<DeadLetter> byAge = new TreeSet<>(OLDEST_FIRST);
    }

    @Override
    public synchronized CompletableFuture<Void> add(DeadLetter letter) {
        ProjectLetters letters = byProject.computeIfAbsent(letter.projectId(), project -> new ProjectLetters());
        DeadLetter replaced = letters.byId.put(letter.messageId(), letter);
        if (replaced != null) {
            letters.byAge.remove(replaced);
        }
        letters.byAge.add(letter);
        while (letters.byAge.size() > maxPerProject) {
            letters.byId.remove(letters.byAge.pollFirst().messageId());
            dropped.incrementAndGet();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<List<DeadLetter>> list(String projectId, int limit) {
        List<DeadLetter> oldest = new ArrayList<>();
        ProjectLetters letters = byProject.get(projectId);
        if (letters != null) {
            Iterator<DeadLetter> it = letters.byAge.iterator();
            while (it.hasNext() && oldest.size() < limit) {
                oldest.add(it.next());
            }
        }
        return CompletableFuture.completedFuture(oldest);
    }

    @Override
    public synchronized CompletableFuture<DeadLetter> take(String projectId, String messageId) {
        ProjectLetters letters = byProject.get(projectId);
        DeadLetter taken = letters == null ? null : letters.byId.remove(messageId);
        if (taken != null) {
            letters.byAge.remove(taken);
        }
        return CompletableFuture.completedFuture(taken);
    }

    /** Dead letters dropped because their project had {@code maxPerProject} newer ones. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {}
}
