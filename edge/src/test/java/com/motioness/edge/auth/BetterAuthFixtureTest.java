package com.motioness.edge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cookie minted by the real better-auth npm package (edge/src/test/better-auth, committed as
 * better-auth-fixture.json) opens the dashboard routes, with its session where a deployment keeps
 * it: better-auth's own Redis record, or a row of its PostgreSQL session table.
 */
class BetterAuthFixtureTest {
    private static final String REDIS_URL = TestEdge.REDIS_URL;
    private static final String PG_URL =
            System.getenv().getOrDefault("PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private static String secret;
    private static String cookie;
    private static String token;
    private static String storedSession;
    private static String userId;

    @BeforeAll
    static void readFixture() throws Exception {
        try (InputStream in = BetterAuthFixtureTest.class.getResourceAsStream("/better-auth-fixture.json");
                JsonParser json = new JsonFactory().createParser(in)) {
            json.nextToken();
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                switch (field) {
                    case "secret" -> secret = json.getText();
                    case "setCookie" -> cookie = json.getText().split(";", 2)[0];
                    case "secondaryStorage" -> {
                        while (json.nextToken() == JsonToken.FIELD_NAME) {
                            String key = json.currentName();
                            json.nextToken();
                            if (!key.startsWith("active-sessions-")) {
                                token = key;
                                storedSession = json.getText();
                            }
                        }
                    }
                    default -> json.skipChildren();
                }
            }
        }
        assertNotNull(cookie);
        assertNotNull(storedSession);
        userId = storedSession.replaceAll(".*\"userId\":\"([^\"]+)\".*", "$1");
    }

    /** better-auth's record, with its expiry moved into the future (the cookie stays as minted). */
    private static String liveRecord() {
        return storedSession.replaceFirst(
                "\"expiresAt\":\"[^\"]+\"", "\"expiresAt\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"");
    }

    @Test
    void aRealCookieWithItsSessionInRedisSecondaryStorage() throws Exception {
        String prefix = "bafix-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            redis.sync().set(prefix + token, liveRecord());
            redis.sync().sadd(prefix + "project-members:" + TestEdge.PROJECT, userId);
            try (TestEdge edge = TestEdge.start(config -> config.devSessions(Map.of())
                    .sessionStore(REDIS_URL)
                    .sessionKeyPrefix(prefix)
                    .membership(REDIS_URL)
                    .authSecret(secret))) {
                edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
                try (SseClient stream = SseClient.open(edge.port(), "/api/assets/a1/events", "Cookie: " + cookie)) {
                    assertEquals(200, stream.status());
                    assertEquals(
                            "queued", stream.nextEvent(Duration.ofSeconds(5)).event());
                }
                assertEquals(
                        403,
                        HttpWire.get(
                                        edge.port(),
                                        "/api/projects/" + TestEdge.OTHER_PROJECT + "/activity",
                                        "Cookie: " + cookie)
                                .status(),
                        "not in that project's member set");
            }
            try (TestEdge wrongSecret = TestEdge.start(config -> config.devSessions(Map.of())
                    .sessionStore(REDIS_URL)
                    .sessionKeyPrefix(prefix)
                    .membership(REDIS_URL)
                    .authSecret("another-secret"))) {
                assertEquals(
                        401,
                        HttpWire.get(wrongSecret.port(), "/api/assets/a1/events", "Cookie: " + cookie)
                                .status(),
                        "signed with another secret");
            }
        } finally {
            try (StatefulRedisConnection<String, String> redis = client.connect()) {
                redis.sync().del(prefix + token, prefix + "project-members:" + TestEdge.PROJECT);
            }
            client.shutdown();
        }
    }

    @Test
    void aRealCookieWithItsSessionInThePostgresSessionTable() throws Exception {
        String schema = "motioness_bafix_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(PG_URL);
                Statement sql = admin.createStatement()) {
            sql.execute("CREATE SCHEMA " + schema);
            try {
                sql.execute("CREATE TABLE " + schema + ".\"session\" (\"id\" text PRIMARY KEY, \"token\" text UNIQUE,"
                        + " \"userId\" text, \"expiresAt\" timestamptz, \"createdAt\" timestamptz,"
                        + " \"updatedAt\" timestamptz, \"ipAddress\" text, \"userAgent\" text)");
                sql.execute(
                        "CREATE TABLE " + schema + ".\"member\" (\"id\" text, \"organizationId\" text, \"userId\" text,"
                                + " \"role\" text, \"createdAt\" timestamptz)");
                sql.execute("CREATE TABLE " + schema + ".\"project\" (\"id\" text, \"organizationId\" text)");
                try (PreparedStatement insert = admin.prepareStatement(
                        "INSERT INTO " + schema + ".\"session\" VALUES ('s1', ?, ?, ?, now(), now(), '', '')")) {
                    insert.setString(1, token);
                    insert.setString(2, userId);
                    insert.setTimestamp(3, Timestamp.from(Instant.now().plus(Duration.ofHours(1))));
                    insert.execute();
                }
                try (PreparedStatement insert = admin.prepareStatement(
                        "INSERT INTO " + schema + ".\"member\" VALUES ('m1', 'org-1', ?, 'owner', now())")) {
                    insert.setString(1, userId);
                    insert.execute();
                }
                sql.execute("INSERT INTO " + schema + ".\"project\" VALUES ('" + TestEdge.PROJECT + "', 'org-1')");
                String url = PG_URL + "&currentSchema=" + schema;
                try (TestEdge edge = TestEdge.start(config -> config.devSessions(Map.of())
                        .sessionStore(url)
                        .membership(url)
                        .authSecret(secret))) {
                    try (SseClient feed = SseClient.open(
                            edge.port(), "/api/projects/" + TestEdge.PROJECT + "/activity", "Cookie: " + cookie)) {
                        assertEquals(200, feed.status());
                    }
                    sql.execute("UPDATE " + schema + ".\"session\" SET \"expiresAt\" = now() - interval '1 second'");
                    assertEquals(
                            401,
                            HttpWire.get(
                                            edge.port(),
                                            "/api/projects/" + TestEdge.PROJECT + "/activity",
                                            "Cookie: " + cookie)
                                    .status(),
                            "expired in the table");
                }
            } finally {
                sql.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
