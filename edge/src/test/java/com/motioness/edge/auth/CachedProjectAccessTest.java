package com.motioness.edge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.TestEdge;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Membership answers cached briefly per node, yes and no; failures are not; stores that fail answer 503. */
class CachedProjectAccessTest {
    @Test
    void yesAndNoAreCachedForTheTtlThenAskedAgain() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        AtomicLong now = new AtomicLong();
        CachedProjectAccess cached = new CachedProjectAccess(
                (user, project) -> {
                    asked.incrementAndGet();
                    return CompletableFuture.completedFuture(project.equals("p1"));
                },
                1_000,
                100,
                now::get);
        assertTrue(cached.mayRead("u", "p1").get());
        assertFalse(cached.mayRead("u", "p2").get());
        assertTrue(cached.mayRead("u", "p1").get());
        assertFalse(cached.mayRead("u", "p2").get());
        assertEquals(2, asked.get(), "a storm of reconnects asks the store once per answer");
        now.addAndGet(1_000);
        cached.mayRead("u", "p1").get();
        assertEquals(3, asked.get(), "asked again once the answer is stale");
    }

    @Test
    void failuresAreNotCached() {
        AtomicInteger asked = new AtomicInteger();
        CachedProjectAccess cached = new CachedProjectAccess(
                (user, project) -> {
                    asked.incrementAndGet();
                    return CompletableFuture.failedFuture(new IllegalStateException("down"));
                },
                1_000_000_000L,
                100,
                System::nanoTime);
        assertThrows(ExecutionException.class, () -> cached.mayRead("u", "p").get());
        assertThrows(ExecutionException.class, () -> cached.mayRead("u", "p").get());
        assertEquals(2, asked.get());
    }

    @Test
    void anUnreachableSessionDatabaseAnswers503NotAHang() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:1/postgres?user=postgres&connectTimeout=1";
        try (TestEdge edge = TestEdge.start(config ->
                config.devSessions(Map.of()).sessionStore(url).membership(url).authSecret("test"))) {
            long start = System.nanoTime();
            RawResponse response = HttpWire.get(
                    edge.port(),
                    "/api/projects/" + TestEdge.PROJECT + "/activity",
                    "Cookie: better-auth.session_token=test.iM0hCLU0fZc885zfkFPX3UJwSHbYyam9ji0WglnT3fc%3D");
            assertEquals(503, response.status(), response.bodyText());
            assertTrue(response.bodyText().contains("\"error\":\"unavailable\""));
            assertTrue(System.nanoTime() - start < 6_000_000_000L, "answered within the lookup timeout");
        }
    }
}
