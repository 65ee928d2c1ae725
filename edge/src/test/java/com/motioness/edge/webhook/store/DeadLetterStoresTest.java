package com.motioness.edge.webhook.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.motioness.edge.support.DeadLetters;
import com.motioness.edge.webhook.DeadLetter;
import com.motioness.edge.webhook.DeadLetterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeadLetterStoresTest {
    private final StoreFixture fixture = new StoreFixture();

    private DeadLetterStore open(String kind, int max) {
        return kind.equals(StoreFixture.MEMORY)
                ? new MemoryDeadLetterStore(max)
                : new RedisDeadLetterStore(fixture.redis(), fixture.prefix, StoreFixture.SHARDS, max);
    }

    private static long dropped(DeadLetterStore store) {
        ToLongFunction<DeadLetterStore> count = s ->
                s instanceof MemoryDeadLetterStore memory ? memory.dropped() : ((RedisDeadLetterStore) s).dropped();
        return count.applyAsLong(store);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {StoreFixture.MEMORY, StoreFixture.REDIS})
    void listsOldestFirstPerProject(String kind) throws Exception {
        DeadLetterStore store = open(kind, 100);
        add(
                store,
                DeadLetters.of("p1", "msg_c", 3_000),
                DeadLetters.of("p1", "msg_a", 1_000),
                DeadLetters.of("p1", "msg_b", 2_000),
                DeadLetters.of("p2", "msg_z", 500));

        assertEquals(
                List.of("msg_a", "msg_b", "msg_c"), ids(store.list("p1", 10).get(5, TimeUnit.SECONDS)));
        assertEquals(List.of("msg_a", "msg_b"), ids(store.list("p1", 2).get(5, TimeUnit.SECONDS)));
        assertEquals(List.of("msg_z"), ids(store.list("p2", 10).get(5, TimeUnit.SECONDS)));

        DeadLetter read = store.list("p1", 1).get(5, TimeUnit.SECONDS).get(0);
        DeadLetter written = DeadLetters.of("p1", "msg_a", 1_000);
        assertArrayEquals(written.body(), read.body());
        assertEquals(written.eventId(), read.eventId());
        assertEquals(
                List.of("ep_a", "p1", "asset-1", "READY", "5", "HTTP_503", "endpoint ep_a answered 503", "1000"),
                List.of(
                        read.endpointId(),
                        read.projectId(),
                        read.assetId(),
                        read.eventType().name(),
                        Integer.toString(read.attempts()),
                        read.errorCode(),
                        read.errorMsg(),
                        Long.toString(read.deadMs())));
    }

    @ParameterizedTest
    @ValueSource(strings = {StoreFixture.MEMORY, StoreFixture.REDIS})
    void aLetterIsTakenOnceAndOnlyFromItsProject(String kind) throws Exception {
        DeadLetterStore store = open(kind, 100);
        store.add(DeadLetters.of("p1", "msg_a", 1_000)).get(5, TimeUnit.SECONDS);
        assertNull(store.take("p2", "msg_a").get(5, TimeUnit.SECONDS));

        List<CompletableFuture<DeadLetter>> takes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            takes.add(store.take("p1", "msg_a"));
        }
        long taken = 0;
        for (CompletableFuture<DeadLetter> take : takes) {
            taken += take.get(5, TimeUnit.SECONDS) == null ? 0 : 1;
        }
        assertEquals(1, taken);
        assertEquals(List.of(), store.list("p1", 10).get(5, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @ValueSource(strings = {StoreFixture.MEMORY, StoreFixture.REDIS})
    void theSameMessageIdReplacesItsLetter(String kind) throws Exception {
        DeadLetterStore store = open(kind, 100);
        add(
                store,
                DeadLetters.of("p1", "msg_a", 1_000),
                DeadLetters.of("p1", "msg_b", 2_000),
                DeadLetters.of("p1", "msg_a", 3_000));
        List<DeadLetter> listed = store.list("p1", 10).get(5, TimeUnit.SECONDS);
        assertEquals(List.of("msg_b", "msg_a"), ids(listed));
        assertEquals(3_000, listed.get(1).deadMs());
    }

    @ParameterizedTest
    @ValueSource(strings = {StoreFixture.MEMORY, StoreFixture.REDIS})
    void keepsAtMostTheBoundDroppingTheOldest(String kind) throws Exception {
        DeadLetterStore store = open(kind, 3);
        for (int i = 1; i <= 5; i++) {
            store.add(DeadLetters.of("p1", "msg_" + i, i * 1_000L)).get(5, TimeUnit.SECONDS);
        }
        store.add(DeadLetters.of("p2", "msg_x", 1)).get(5, TimeUnit.SECONDS);
        assertEquals(
                List.of("msg_3", "msg_4", "msg_5"), ids(store.list("p1", 10).get(5, TimeUnit.SECONDS)));
        assertNull(store.take("p1", "msg_1").get(5, TimeUnit.SECONDS), "dropped from the hash too");
        assertEquals(2, dropped(store));
        assertEquals(List.of("msg_x"), ids(store.list("p2", 10).get(5, TimeUnit.SECONDS)));
    }

    /** Adds the letters one after the other, each stored before the next. */
    private static void add(DeadLetterStore store, DeadLetter... letters) throws Exception {
        for (DeadLetter letter : letters) {
            store.add(letter).get(5, TimeUnit.SECONDS);
        }
    }

    private static List<String> ids(List<DeadLetter> letters) {
        return letters.stream().map(DeadLetter::messageId).toList();
    }
}
