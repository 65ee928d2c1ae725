package com.motioness.edge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.TestEdge;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * better-auth sessions where deployments keep them: its Redis secondary storage (the Redis at
 * REDIS_URL) and its SQL table (the PostgreSQL at PG_URL, default
 * jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres, in a schema of the test's own).
 */
class SessionStoresTest {
    private static final String REDIS_URL = TestEdge.REDIS_URL;
    private static final String PG_URL =
            System.getenv().getOrDefault("PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    @Test
    void redisSecondaryStorageSessionsAreFoundAndRevocationIsAMissingKey() throws Exception {
        String prefix = "better-auth-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        String token = "abcdefghijklmnopqrstuvwxyz012345";
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> redis = client.connect();
                RedisSessionStore store = new RedisSessionStore(REDIS_URL, prefix)) {
            redis.sync()
                    .set(
                            prefix + token,
                            "{\"session\":{\"id\":\"s1\",\"token\":\"" + token
                                    + "\",\"userId\":\"user-1\",\"expiresAt\":\"2026-12-05T04:03:48.411Z\",\"createdAt\":"
                                    + "\"2026-11-28T04:03:48.411Z\",\"ipAddress\":\"127.0.0.1\",\"activeOrganizationId\":null},"
                                    + "\"user\":{\"id\":\"user-1\",\"name\":\"A\",\"email\":\"a@example.com\",\"emailVerified\":false}}",
                            io.lettuce.core.SetArgs.Builder.ex(600));
            StoredSession session = store.find(token).get();
            assertEquals(new StoredSession("user-1", Instant.parse("2026-12-05T04:03:48.411Z")), session);
            assertTrue(session.isLiveAt(Instant.parse("2026-12-05T04:03:48.410Z")));
            assertFalse(session.isLiveAt(Instant.parse("2026-12-05T04:03:48.411Z")), "expired at its expiry");
            redis.sync().del(prefix + token);
            assertNull(store.find(token).get(), "revoked: the key is gone");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void malformedStoredValuesAreNoSession() {
        assertNull(RedisSessionStore.parse("not json"));
        assertNull(RedisSessionStore.parse("{\"session\":{\"userId\":\"u\"}}"), "no expiry");
        assertNull(RedisSessionStore.parse("{\"session\":{\"userId\":\"u\",\"expiresAt\":\"tomorrow\"}}"));
        assertEquals(
                "u2",
                RedisSessionStore.parse(
                                "{\"user\":{\"id\":\"u2\"},\"session\":{\"expiresAt\":\"2026-12-05T04:03:48Z\"}}")
                        .userId());
    }

    @Test
    void postgresSessionTableSessionsAreFoundWithTheirExpiry() throws Exception {
        String schema = "motioness_test_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(PG_URL);
                Statement sql = admin.createStatement()) {
            sql.execute("CREATE SCHEMA " + schema);
            try {
                sql.execute("CREATE TABLE " + schema
                        + ".\"session\" (\"id\" text PRIMARY KEY, \"token\" text UNIQUE NOT NULL,"
                        + " \"userId\" text NOT NULL, \"expiresAt\" timestamp NOT NULL, \"createdAt\" timestamp,"
                        + " \"updatedAt\" timestamp, \"ipAddress\" text, \"userAgent\" text)");
                sql.execute("INSERT INTO " + schema + ".\"session\" VALUES ('s1', 'tok-live', 'user-1',"
                        + " '2026-12-05 04:03:48.411', now(), now(), '127.0.0.1', 'test')");
                try (PostgresSessionStore store =
                        new PostgresSessionStore(PG_URL + "&currentSchema=" + schema, 2, Duration.ofSeconds(2))) {
                    assertEquals(
                            new StoredSession("user-1", Instant.parse("2026-12-05T04:03:48.411Z")),
                            store.find("tok-live").get(),
                            "a zone-less timestamp holds UTC");
                    assertNull(store.find("tok-missing").get());
                    sql.execute("ALTER TABLE " + schema + ".\"session\" ALTER COLUMN \"expiresAt\" TYPE timestamptz"
                            + " USING \"expiresAt\" AT TIME ZONE 'UTC'");
                    assertEquals(
                            Instant.parse("2026-12-05T04:03:48.411Z"),
                            store.find("tok-live").get().expiresAt());
                }
            } finally {
                sql.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void anUnreachableDatabaseFailsTheLookupInsteadOfHanging() {
        try (PostgresSessionStore store = new PostgresSessionStore(
                "jdbc:postgresql://127.0.0.1:1/postgres?user=postgres&connectTimeout=1", 1, Duration.ofMillis(500))) {
            long start = System.nanoTime();
            ExecutionException failed = assertThrows(
                    ExecutionException.class, () -> store.find("tok").get());
            assertTrue(failed.getCause().getMessage().startsWith("session store unavailable"), failed.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
        }
    }
}
