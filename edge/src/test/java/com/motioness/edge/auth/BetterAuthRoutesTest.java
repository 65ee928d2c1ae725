package com.motioness.edge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.LookAlike;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard routes with real better-auth sessions: signed cookies, sessions in Redis secondary
 * storage, membership from PostgreSQL (a schema of the test's own), on a started edge.
 */
class BetterAuthRoutesTest {
    private static final String REDIS_URL = TestEdge.REDIS_URL;
    private static final String PG_URL =
            System.getenv().getOrDefault("PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    private static final String SECRET = "my-32-char-secret-for-unit-tests!";
    private static final String ALICE = "Z8m3kQ1vXy7RtB2nW4pL6sD9fH0jC5aE";
    private static final String BOB = "O1kThqiQEcSpzqCDfxuGiP7CzPcbl7h4";
    private static final String EXPIRED = "ExpiredSessionToken0123456789abc";

    private final String sessionPrefix = "ba-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final String schema =
            "motioness_auth_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;
    private TestEdge edge;

    /** A cookie value exactly as better-call writes it. */
    static String signed(String token) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        return URLEncoder.encode(token + "." + signature, StandardCharsets.UTF_8);
    }

    private void storeSession(String token, String userId, Instant expiresAt) {
        redis.sync()
                .set(
                        sessionPrefix + token,
                        "{\"session\":{\"id\":\"s-" + token + "\",\"token\":\"" + token
                                + "\",\"userId\":\"" + userId + "\",\"expiresAt\":\"" + expiresAt
                                + "\"},\"user\":{\"id\":\"" + userId
                                + "\",\"name\":\"n\",\"email\":\"e@example.com\",\"emailVerified\":true}}",
                        SetArgs.Builder.ex(600));
    }

    @BeforeEach
    void start() throws Exception {
        redisClient = RedisClient.create(REDIS_URL);
        redis = redisClient.connect();
        storeSession(ALICE, "user-alice", Instant.now().plusSeconds(3600));
        storeSession(BOB, "user-bob", Instant.now().plusSeconds(3600));
        storeSession(EXPIRED, "user-alice", Instant.now().minusSeconds(1));
        try (Connection admin = DriverManager.getConnection(PG_URL);
                Statement sql = admin.createStatement()) {
            sql.execute("CREATE SCHEMA " + schema);
            sql.execute("CREATE TABLE " + schema + ".\"member\" (\"id\" text, \"organizationId\" text, \"userId\" text,"
                    + " \"role\" text, \"createdAt\" timestamp)");
            sql.execute("CREATE TABLE " + schema + ".\"project\" (\"id\" text, \"organizationId\" text)");
            sql.execute(
                    "INSERT INTO " + schema + ".\"member\" VALUES ('m1', 'org-a', 'user-alice', 'admin,member', now()),"
                            + " ('m2', 'org-b', 'user-bob', 'member', now())");
            sql.execute("INSERT INTO " + schema + ".\"project\" VALUES ('" + TestEdge.PROJECT + "', 'org-a'), ('"
                    + TestEdge.OTHER_PROJECT + "', 'org-b')");
        }
        edge = TestEdge.start(config -> config.devSessions(Map.of())
                .sessionStore(REDIS_URL)
                .sessionKeyPrefix(sessionPrefix)
                .authSecret(SECRET)
                .membership(PG_URL + "&currentSchema=" + schema)
                .sessionRecheck(Duration.ofMillis(200))
                .pingInterval(Duration.ofMillis(300)));
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
        edge.append(Events.of(EventType.QUEUED, TestEdge.OTHER_PROJECT, "b1"));
    }

    @AfterEach
    void stop() throws Exception {
        edge.close();
        redis.sync().del(sessionPrefix + ALICE, sessionPrefix + BOB, sessionPrefix + EXPIRED);
        redis.close();
        redisClient.shutdown();
        try (Connection admin = DriverManager.getConnection(PG_URL);
                Statement sql = admin.createStatement()) {
            sql.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static String cookie(String token) throws Exception {
        return "Cookie: better-auth.session_token=" + signed(token);
    }

    @Test
    void aMemberStreamsTheirProjectAndItsAssets() throws Exception {
        try (SseClient feed =
                        SseClient.open(edge.port(), "/api/projects/" + TestEdge.PROJECT + "/activity", cookie(ALICE));
                SseClient asset = SseClient.open(edge.port(), "/api/assets/a1/events", cookie(ALICE))) {
            assertEquals(200, feed.status());
            assertEquals(200, asset.status());
            assertEquals("queued", asset.nextEvent(Duration.ofSeconds(5)).event());
        }
        try (SseClient secure = SseClient.open(
                edge.port(),
                "/api/assets/b1/events",
                "Cookie: theme=dark; __Secure-better-auth.session_token=" + signed(BOB))) {
            assertEquals(200, secure.status(), "the __Secure- cookie of production deployments");
        }
    }

    @Test
    void aNonMemberIsForbiddenTheFeedAndCannotSeeTheAssetExists() throws Exception {
        RawResponse feed =
                HttpWire.get(edge.port(), "/api/projects/" + TestEdge.OTHER_PROJECT + "/activity", cookie(ALICE));
        assertEquals(403, feed.status());
        assertTrue(feed.bodyText().contains("\"error\":\"forbidden\""), feed.bodyText());
        try (SseClient theirs = SseClient.open(edge.port(), "/api/assets/b1/events", cookie(ALICE));
                SseClient missing = SseClient.open(edge.port(), "/api/assets/nope/events", cookie(ALICE))) {
            LookAlike.assertIndistinguishable(theirs, missing);
        }
    }

    @Test
    void badOrMissingSessionsAre401() throws Exception {
        String path = "/api/projects/" + TestEdge.PROJECT + "/activity";
        String tampered = signed(ALICE).replace(ALICE.substring(0, 4), "AAAA");
        String[][] cases = {
            {},
            {"Cookie: better-auth.session_token=" + ALICE},
            {"Cookie: better-auth.session_token=" + tampered},
            {"Cookie: better-auth.session_token=" + signed(ALICE).substring(0, 40)},
            {cookie(EXPIRED)},
            {
                "Cookie: better-auth.session_token="
                        + URLEncoder.encode(
                                ALICE + ".wrongsignaturewrongsignaturewrongsignature=", StandardCharsets.UTF_8)
            },
        };
        for (String[] headers : cases) {
            RawResponse response = HttpWire.get(edge.port(), path, headers);
            assertEquals(401, response.status(), String.join(" ", headers));
            assertTrue(response.bodyText().contains("\"error\":\"unauthenticated\""));
        }
        redis.sync().del(sessionPrefix + BOB);
        assertEquals(
                401,
                HttpWire.get(edge.port(), "/api/assets/b1/events", cookie(BOB)).status(),
                "revoked");
    }

    @Test
    void aSessionRevokedWhileStreamingStopsTheStream() throws Exception {
        try (SseClient feed =
                SseClient.open(edge.port(), "/api/projects/" + TestEdge.PROJECT + "/activity", cookie(ALICE))) {
            assertEquals(200, feed.status());
            edge.awaitOpenStreams(1);
            redis.sync().del(sessionPrefix + ALICE);
            assertTrue(feed.awaitEnd(Duration.ofSeconds(5)), "revocation reaches the open stream");
            assertTrue(feed.endedCleanly());
        }
        edge.awaitOpenStreams(0);
        assertEquals(
                401,
                HttpWire.get(edge.port(), "/api/projects/" + TestEdge.PROJECT + "/activity", cookie(ALICE))
                        .status(),
                "and its reconnect is refused");
    }

    @Test
    void aLiveSessionKeepsStreamingAcrossRechecks() throws Exception {
        try (SseClient feed =
                SseClient.open(edge.port(), "/api/projects/" + TestEdge.PROJECT + "/activity", cookie(BOB))) {
            assertEquals(403, feed.status(), "bob is not a member of the first project");
        }
        try (SseClient feed =
                SseClient.open(edge.port(), "/api/projects/" + TestEdge.OTHER_PROJECT + "/activity", cookie(BOB))) {
            edge.awaitOpenStreams(1);
            for (int i = 0; i < 4; i++) {
                // Each ping is 300 ms of open stream: several 200 ms rechecks pass meanwhile.
                feed.until(com.motioness.edge.support.SseBlock::isPing, Duration.ofSeconds(5));
            }
            edge.append(Events.of(EventType.VISION_STARTED, TestEdge.OTHER_PROJECT, "b1"));
            assertEquals("vision_started", feed.nextEvent(Duration.ofSeconds(5)).event(), "still open after rechecks");
        }
    }
}
