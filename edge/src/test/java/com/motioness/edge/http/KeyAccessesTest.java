package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.auth.ProjectKeys;
import com.motioness.edge.limits.StreamLimits;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The streams of one project key share one access, which still follows the registry. */
class KeyAccessesTest {
    private final Map<String, String> registry = new ConcurrentHashMap<>(Map.of("key-a", "p1", "key-b", "p2"));
    private final ProjectKeys keys = key -> CompletableFuture.completedFuture(registry.get(key));
    private final KeyAccesses accesses = new KeyAccesses(keys, Duration.ofSeconds(7), 3);

    @Test
    void theStreamsOfOneKeyShareItsAccess() {
        // Each request parses its own copy of the key from its URL.
        StreamAccess first = accesses.of(new String("key-a"), "p1");
        StreamAccess second = accesses.of(new String("key-a"), "p1");
        assertSame(first, second);
        assertNotSame(first, accesses.of("key-b", "p2"));
        assertEquals(StreamLimits.Kind.KEY, first.kind());
        assertEquals("key-a", first.identity());
        assertEquals(Duration.ofSeconds(7), first.recheckEvery());
    }

    @Test
    void readsOnlyItsProjectAndFollowsTheRegistry() {
        StreamAccess access = accesses.of("key-a", "p1");
        assertTrue(access.mayRead().apply("p1").join());
        assertFalse(access.mayRead().apply("p2").join());
        assertTrue(access.stillValid().get().join());
        registry.remove("key-a");
        assertFalse(access.stillValid().get().join(), "revoked");
        registry.put("key-a", "p2");
        assertFalse(access.stillValid().get().join(), "moved to another project");
    }

    @Test
    void aKeyThatNowOpensAnotherProjectGetsANewAccess() {
        StreamAccess before = accesses.of("key-a", "p1");
        registry.put("key-a", "p2");
        StreamAccess after = accesses.of("key-a", "p2");
        assertNotSame(before, after);
        assertTrue(after.mayRead().apply("p2").join());
        assertFalse(after.mayRead().apply("p1").join());
        assertSame(after, accesses.of("key-a", "p2"));
    }

    @Test
    void remembersAtMostTheLimit() {
        StreamAccess kept = accesses.of("key-a", "p1");
        accesses.of("key-b", "p2");
        accesses.of("key-c", "p3");
        // The fourth key drops what was remembered; the open stream keeps its own access.
        accesses.of("key-d", "p4");
        assertTrue(kept.mayRead().apply("p1").join());
        assertNotSame(kept, accesses.of("key-a", "p1"));
    }
}
