package com.motioness.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.EdgeServer;
import com.motioness.edge.config.AuthSettings;
import com.motioness.edge.config.EdgeConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A few seconds of each kind of load against a real edge, so the harness cannot rot: every event
 * is delivered once and in order, through the embedded ingest and through Redis, on asset streams
 * and on the activity feed, across a reconnect storm and across cap closes.
 */
class LoadHarnessSmokeTest {
    private static final String KEY = "perf-key-0123456789";
    private static final String TOKEN = "perf-ingest-token-123";
    private static final String REDIS = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

    private static EdgeConfig.Builder config() {
        return EdgeConfig.builder()
                .port(0)
                .bind("127.0.0.1")
                // The harness reads no metrics; and no test binds a fixed port.
                .adminPort(-1)
                .projectKeys(Map.of(KEY, "perf"))
                .devSessions(Map.of("perf-session", new AuthSettings.DevSession("perf-user", Set.of("perf"))))
                .ingestToken(TOKEN)
                .ioThreads(2)
                .maxStreamsPerKey(0)
                .maxStreamsPerUser(0)
                .maxStreamsPerAddress(0)
                .newStreamsPerAddress(0);
    }

    @Test
    void assetStreamsThroughTheIngestSurviveAReconnectStorm() throws Exception {
        try (EdgeServer edge = EdgeServer.start(config().adminPort(0).build())) {
            Summary summary = run(
                    "--url",
                    assetUrl(edge),
                    "--streams",
                    "200",
                    "--assets",
                    "5",
                    "--sources",
                    "2",
                    "--publish",
                    "ingest",
                    "--ingest-token",
                    TOKEN,
                    "--rate",
                    "300",
                    "--duration",
                    "2s",
                    "--warmup",
                    "500ms",
                    "--storm-after",
                    "1s",
                    "--server-pid",
                    Long.toString(ProcessHandle.current().pid()),
                    "--server-metrics",
                    "http://127.0.0.1:" + edge.adminPort() + "/metrics");
            assertEquals(200, summary.number("opened"), summary.toString());
            assertEquals(0, summary.number("connect_errors"), summary.toString());
            assertEquals(600, summary.number("published"), summary.toString());
            assertEquals(600 * 40, summary.number("delivered"), "200 streams, 40 per asset: " + summary);
            assertNothingLostOrRepeated(summary);
            assertEquals(200, summary.number("storm.resumed"), summary.toString());
            assertTrue(summary.number("latency_us.count") > 0, summary.toString());
            // The edge's own figure, from its metrics: each measured event once per loop that wrote it.
            assertTrue(summary.number("server_publish_to_last_write_ms.count") >= 300, summary.toString());
            assertTrue(summary.number("server_publish_to_last_write_ms.p99_at_most") > 0, summary.toString());
            assertTrue(summary.number("server.rss_kib_after") > 0, summary.toString());
            assertEveryIngestRequestTimed(summary);
        }
    }

    /**
     * The ingest over several connections, each asset pinned to one, on the edge's ingest listener:
     * every asset's events still arrive in order, and every request's answer is timed.
     */
    @Test
    void ingestOverSeveralConnectionsKeepsEachAssetInOrder() throws Exception {
        try (EdgeServer edge = EdgeServer.start(config().ingestPort(0).build())) {
            Summary summary = run(
                    "--url",
                    assetUrl(edge),
                    "--streams",
                    "100",
                    "--assets",
                    "5",
                    "--publish",
                    "ingest",
                    "--ingest-token",
                    TOKEN,
                    "--ingest-port",
                    Integer.toString(edge.ingestPort()),
                    "--ingest-connections",
                    "3",
                    "--rate",
                    "300",
                    "--duration",
                    "1s",
                    "--warmup",
                    "0ms");
            assertEquals(3, summary.number("ingest_connections"), summary.toString());
            assertEquals(300, summary.number("published"), summary.toString());
            assertEquals(300 * 20, summary.number("delivered"), "100 streams, 20 per asset: " + summary);
            assertNothingLostOrRepeated(summary);
            assertEveryIngestRequestTimed(summary);
            // Without a warm-up every request counts, and each batch splits over the three connections.
            assertTrue(summary.number("ingest_answer_us.count") >= 3, summary.toString());
        }
    }

    /** HTTP/1.1, and h2c with prior knowledge: streams ended by the cap resume without loss. */
    @ParameterizedTest
    @ValueSource(strings = {"http/1.1", "h2"})
    void streamsClosedByTheCapResumeWithoutLoss(String protocol) throws Exception {
        try (EdgeServer edge = EdgeServer.start(
                config().maxStreamDuration(Duration.ofMillis(700)).build())) {
            List<String> args = new java.util.ArrayList<>(List.of(
                    "--url", assetUrl(edge),
                    "--streams", "50",
                    "--assets", "2",
                    "--publish", "ingest",
                    "--ingest-token", TOKEN,
                    "--rate", "100",
                    "--duration", "2s",
                    "--warmup", "0ms"));
            if (protocol.equals("h2")) {
                args.addAll(List.of("--http2", "--h2-streams-per-connection", "20"));
            }
            Summary summary = run(args.toArray(String[]::new));
            assertEquals(protocol, summary.text("protocol"), summary.toString());
            assertTrue(summary.number("reconnects") >= 50, "each stream was capped at least once: " + summary);
            assertEquals(200 * 25, summary.number("delivered"), summary.toString());
            assertNothingLostOrRepeated(summary);
        }
    }

    @Test
    void theActivityFeedThroughRedisCarriesEveryAsset() throws Exception {
        String prefix = "perf-" + UUID.randomUUID().toString().substring(0, 8);
        try (EdgeServer edge =
                EdgeServer.start(config().redis(REDIS).redisPrefix(prefix).build())) {
            Summary summary = run(
                    "--url",
                    "http://127.0.0.1:" + edge.port() + "/api/projects/perf/activity",
                    "--header",
                    "Cookie: better-auth.session_token=perf-session",
                    "--streams",
                    "20",
                    "--assets",
                    "4",
                    "--publish",
                    "redis",
                    "--redis",
                    REDIS,
                    "--redis-prefix",
                    prefix,
                    "--rate",
                    "200",
                    "--duration",
                    "1s",
                    "--warmup",
                    "0ms");
            assertEquals(20, summary.number("opened"), summary.toString());
            assertEquals(200 * 20, summary.number("delivered"), "every stream sees every asset: " + summary);
            assertNothingLostOrRepeated(summary);
        } finally {
            deleteKeys(prefix);
        }
    }

    /**
     * The edge's TLS port: HTTP/1.1 (a handshake per stream) and HTTP/2 by ALPN (50 streams per
     * connection), both through a storm that closes every connection; the ingest on the cleartext
     * port.
     */
    @ParameterizedTest
    @ValueSource(strings = {"http/1.1", "h2"})
    void streamsOverTlsSurviveAReconnectStorm(String protocol, @TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString());
        try (EdgeServer edge = EdgeServer.start(
                config().tlsCert(cert).tlsKey(key).cleartextPort(0).build())) {
            List<String> args = new java.util.ArrayList<>(List.of(
                    "--url", "https://127.0.0.1:" + edge.port() + "/v1/" + KEY + "/events/{asset}",
                    "--streams", "200",
                    "--assets", "5",
                    "--publish", "ingest",
                    "--ingest-token", TOKEN,
                    "--ingest-port", Integer.toString(edge.cleartextPort()),
                    "--rate", "300",
                    "--duration", "2s",
                    "--warmup", "500ms",
                    "--storm-after", "1s"));
            if (protocol.equals("h2")) {
                args.addAll(List.of("--http2", "--h2-streams-per-connection", "50"));
            }
            Summary summary = run(args.toArray(String[]::new));
            assertEquals(protocol, summary.text("protocol"), summary.toString());
            assertEquals("openssl", summary.text("tls"), summary.toString());
            assertEquals(200, summary.number("opened"), summary.toString());
            assertEquals(600 * 40, summary.number("delivered"), "200 streams, 40 per asset: " + summary);
            assertNothingLostOrRepeated(summary);
            assertEquals(200, summary.number("storm.resumed"), summary.toString());
        }
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
    }

    @Test
    void aServerThatRefusesIsCountedNotHidden() throws Exception {
        try (EdgeServer edge = EdgeServer.start(config().build())) {
            Summary summary = run(
                    "--url",
                    "http://127.0.0.1:" + edge.port() + "/v1/wrong-key-0123456789/events/{asset}",
                    "--streams",
                    "10");
            assertEquals(0, summary.number("opened"));
            assertEquals(10, summary.number("failed_streams"));
            assertEquals(10, summary.number("http_errors"), "each 401 is counted");
        }
    }

    /**
     * {@code --warmup-rounds}: the warm-up streams are opened and closed that many times before the
     * measured ones, all in the harness's own process (what lets its JIT finish first).
     */
    @Test
    void warmUpRoundsOpenAndCloseTheirStreamsBeforeTheMeasuredOnes() throws Exception {
        try (EdgeServer edge = EdgeServer.start(config().build())) {
            Summary summary = run(
                    "--url", assetUrl(edge),
                    "--streams", "20",
                    "--assets", "4",
                    "--publish", "ingest",
                    "--ingest-token", TOKEN,
                    "--warmup-streams", "15",
                    "--warmup-rounds", "2",
                    "--hold", "200ms");
            assertEquals(20, summary.number("opened"), summary.toString());
            ByteArrayOutputStream scrape = new ByteArrayOutputStream();
            edge.metrics().writeText(scrape);
            long opened = scrape.toString(StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> line.startsWith("motioness_streams_opened_total{route=\"public_asset\"}"))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
            assertEquals(2 * 15 + 20, opened, "two rounds of 15, then the 20 measured");
        }
    }

    /** Each ingest request sent after the warm-up was answered and its answer time recorded. */
    private static void assertEveryIngestRequestTimed(Summary summary) {
        long requests = summary.number("ingest_answer_us.requests");
        assertTrue(requests > 0, summary.toString());
        assertEquals(requests, summary.number("ingest_answer_us.count"), summary.toString());
        assertTrue(
                summary.number("ingest_answer_us.max") >= summary.number("ingest_answer_us.p50"), summary.toString());
        assertTrue(summary.number("ingest_answer_from_send_us.p50") > 0, summary.toString());
    }

    private static void assertNothingLostOrRepeated(Summary summary) {
        assertEquals(0, summary.number("lost"), summary.toString());
        assertEquals(0, summary.number("duplicated"), summary.toString());
        assertEquals(0, summary.number("out_of_order"), summary.toString());
        assertEquals(0, summary.number("foreign"), summary.toString());
        assertEquals(0, summary.number("publish_failed"), summary.toString());
    }

    private static String assetUrl(EdgeServer edge) {
        return "http://127.0.0.1:" + edge.port() + "/v1/" + KEY + "/events/{asset}";
    }

    private static Summary run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadMain.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, stderr);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), "one JSON line: " + lines + "\n" + stderr);
        return new Summary(lines.get(0));
    }

    private static void deleteKeys(String prefix) {
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            List<String> keys = redis.sync().keys(prefix + ":*");
            if (!keys.isEmpty()) {
                redis.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }
}
