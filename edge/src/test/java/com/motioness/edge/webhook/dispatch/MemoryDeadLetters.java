package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.DeadLetterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The dead letters of the dispatcher's tests, in memory (helper B ships the real stores). */
final class MemoryDeadLetters implements DeadLetterStore {
    private final Map<String, DeadLetter> letters = new LinkedHashMap<>();

    @Override
    public synchronized CompletableFuture<Void> add(DeadLetter letter) {
        letters.put(letter.projectId() + '/' + letter.messageId(), letter);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<List<DeadLetter>> list(String projectId, int limit) {
        List<DeadLetter> list = new ArrayList<>();
        for (DeadLetter letter : letters.values()) {
            if (letter.projectId().equals(projectId) && list.size() < limit) {
                list.add(letter);
            }
        }
        return CompletableFuture.completedFuture(list);
    }

    @Override
    public synchronized CompletableFuture<DeadLetter> take(String projectId, String messageId) {
        return CompletableFuture.completedFuture(letters.remove(projectId + '/' + messageId));
    }

    @Override
    public void close() {}
}
