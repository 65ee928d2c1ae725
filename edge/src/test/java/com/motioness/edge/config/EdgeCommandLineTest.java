package com.motioness.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags become a validated configuration; every bad value is refused with its flag named. */
class EdgeCommandLineTest {
    private static final List<String> FLAGS = List.of(
            "--port",
            "--bind",
            "--project-key",
            "--keys-file",
            "--dev-session",
            "--cors-origin",
            "--ingest-token",
            "--ping-interval",
            "--max-stream-duration",
            "--retry",
            "--retention-count",
            "--retention-age",
            "--feed-tail-max",
            "--header-timeout",
            "--max-request-line",
            "--max-header-size",
            "--max-ingest-bytes",
            "--write-buffer-high",
            "--slow-consumer-timeout",
            "--delivery-slice",
            "--send-buffer",
            "--ring-size",
            "--io-threads",
            "--redis",
            "--redis-prefix",
            "--redis-shards",
            "--redis-firehose-length",
            "--redis-running-ttl",
            "--session-store",
            "--session-key-prefix",
            "--auth-secret",
            "--auth-cookie-prefix",
            "--membership",
            "--membership-query",
            "--membership-cache",
            "--session-recheck",
            "--max-streams-per-key",
            "--max-streams-per-user",
            "--max-streams-per-address",
            "--new-streams-per-address",
            "--trusted-proxy",
            "--key-recheck",
            "--demo",
            "--help");

    @Test
    void defaultsMatchTheSpec() {
        EdgeConfig config = EdgeCommandLine.parse();
        assertEquals(8080, config.http().port());
        assertEquals(Duration.ofSeconds(15), config.streaming().pingInterval(), "the spec's 15 s ping");
        assertEquals(Duration.ofMinutes(5), config.streaming().maxStreamDuration(), "the spec's 5-minute cap");
        assertEquals(Duration.ofSeconds(3), config.streaming().retry());
        assertEquals(1000, config.log().retentionCount());
        assertEquals(Duration.ofHours(1), config.log().retentionAge());
        assertEquals(500, config.streaming().feedTailMax(), "as many as the dashboard's feed list shows");
        assertEquals(131072, config.streaming().writeBufferHigh());
        assertEquals(65536, config.http().sendBuffer());
        assertEquals(1048576, config.http().maxIngestBytes());
        assertNull(config.auth().ingestToken());
        assertTrue(config.auth().projectKeys().isEmpty());
    }

    @Test
    void everyFlagParses(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.txt");
        Files.writeString(keys, "# production keys\n\nkey-from-file-01=p3\n");
        EdgeConfig config = EdgeCommandLine.parse(
                "--port",
                "9090",
                "--bind",
                "127.0.0.1",
                "--project-key",
                "key-one-00000001=p1",
                "--project-key=key-two-00000002=p2",
                "--keys-file",
                keys.toString(),
                "--dev-session",
                "tok=user-1:p1,p2",
                "--cors-origin",
                "https://app.example.com",
                "--cors-origin",
                "http://localhost:3000",
                "--ingest-token",
                "0123456789abcdef",
                "--ping-interval",
                "500ms",
                "--max-stream-duration",
                "2m",
                "--retry",
                "1s",
                "--retention-count",
                "50",
                "--retention-age",
                "2h",
                "--feed-tail-max",
                "20",
                "--header-timeout",
                "3s",
                "--max-request-line",
                "2048",
                "--max-header-size",
                "4096",
                "--max-ingest-bytes",
                "2m",
                "--write-buffer-high",
                "64KiB",
                "--slow-consumer-timeout",
                "250ms",
                "--delivery-slice",
                "5ms",
                "--send-buffer",
                "256k",
                "--ring-size",
                "4096",
                "--io-threads",
                "3");
        assertEquals(9090, config.http().port());
        assertEquals("127.0.0.1", config.http().bind());
        assertEquals(
                Map.of("key-one-00000001", "p1", "key-two-00000002", "p2", "key-from-file-01", "p3"),
                config.auth().projectKeys());
        assertEquals(
                new AuthSettings.DevSession("user-1", Set.of("p1", "p2")),
                config.auth().devSessions().get("tok"));
        assertEquals(
                Set.of("https://app.example.com", "http://localhost:3000"),
                config.http().corsOrigins());
        assertEquals("0123456789abcdef", config.auth().ingestToken());
        assertEquals(Duration.ofMillis(500), config.streaming().pingInterval());
        assertEquals(Duration.ofMinutes(2), config.streaming().maxStreamDuration());
        assertEquals(Duration.ofSeconds(1), config.streaming().retry());
        assertEquals(50, config.log().retentionCount());
        assertEquals(Duration.ofHours(2), config.log().retentionAge());
        assertEquals(20, config.streaming().feedTailMax());
        assertEquals(
                0, EdgeCommandLine.parse("--feed-tail-max", "0").streaming().feedTailMax(), "0: tails off");
        assertEquals(Duration.ofSeconds(3), config.http().headerTimeout());
        assertEquals(2048, config.http().maxRequestLine());
        assertEquals(4096, config.http().maxHeaderSize());
        assertEquals(2 * 1024 * 1024, config.http().maxIngestBytes());
        assertEquals(64 * 1024, config.streaming().writeBufferHigh());
        assertEquals(Duration.ofMillis(250), config.streaming().slowConsumerTimeout());
        assertEquals(Duration.ofMillis(5), config.streaming().deliverySlice());
        assertEquals(
                Duration.ZERO,
                EdgeCommandLine.parse("--delivery-slice", "0ms").streaming().deliverySlice(),
                "0: a look at the sockets every 16 subscribers");
        assertEquals(256 * 1024, config.http().sendBuffer());
        assertEquals(0, EdgeCommandLine.parse("--send-buffer", "0").http().sendBuffer(), "0: the kernel's autotuning");
        assertEquals(4096, config.log().ringSize());
        assertEquals(3, config.http().ioThreads());
    }

    @Test
    void eachInvalidValueNamesItsFlag() {
        String[][] cases = {
            {"--port", "70000"},
            {"--ping-interval", "0s"},
            {"--ping-interval", "5x"},
            {"--max-stream-duration", "0ms"},
            {"--retry", "2h"},
            {"--retention-count", "0"},
            {"--retention-age", "0h"},
            {"--feed-tail-max", "-1"},
            {"--feed-tail-max", "10001"},
            {"--header-timeout", "0s"},
            {"--max-request-line", "10"},
            {"--max-header-size", "10"},
            {"--max-ingest-bytes", "10"},
            {"--write-buffer-high", "1k"},
            {"--slow-consumer-timeout", "0s"},
            {"--delivery-slice", "2s"},
            {"--send-buffer", "1k"},
            {"--send-buffer", "128m"},
            {"--send-buffer", "64x"},
            {"--ring-size", "1000"},
            {"--io-threads", "-1"},
            {"--ingest-token", "short"},
            {"--project-key", "nokey"},
            {"--project-key", "short=p1"},
            {"--project-key", "key-00000000001=bad/project"},
            {"--dev-session", "tok=no-projects"},
            {"--cors-origin", "https://app.example.com/path"},
            {"--cors-origin", "https://App.example.com"},
            {"--cors-origin", "https://app.example.com:443"},
        };
        for (String[] args : cases) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> EdgeCommandLine.parse(args), String.join(" ", args));
            assertTrue(e.getMessage().contains(args[0]), args[0] + " not named in: " + e.getMessage());
        }
    }

    @Test
    void redisFlagsParseAndValidate() {
        EdgeConfig config = EdgeCommandLine.parse(
                "--redis",
                "redis://127.0.0.1:6380",
                "--redis-prefix",
                "edge1",
                "--redis-shards",
                "8",
                "--redis-firehose-length",
                "5000",
                "--redis-running-ttl",
                "2h");
        assertEquals("redis://127.0.0.1:6380", config.log().redis());
        assertEquals("edge1", config.log().redisPrefix());
        assertEquals(8, config.log().redisShards());
        assertEquals(5000, config.log().redisFirehoseLength());
        assertEquals(Duration.ofHours(2), config.log().redisRunningTtl());
        assertNull(EdgeCommandLine.parse().log().redis(), "embedded unless --redis");
        for (String[] bad : new String[][] {
            {"--redis", "localhost:6379"},
            {"--redis-prefix", "a b"},
            {"--redis-shards", "0"},
            {"--redis-firehose-length", "10"},
            {"--redis-running-ttl", "0s"}
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse(bad));
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
    }

    @Test
    void betterAuthFlagsParseAndMustComeTogether() {
        EdgeConfig config = EdgeCommandLine.parse(
                "--session-store",
                "redis://127.0.0.1:6379",
                "--membership",
                "jdbc:postgresql://127.0.0.1:5432/app?user=app",
                "--auth-secret",
                "s3cret",
                "--auth-cookie-prefix",
                "myapp",
                "--session-key-prefix",
                "",
                "--membership-cache",
                "5s");
        assertEquals("redis://127.0.0.1:6379", config.auth().sessionStore());
        assertEquals(
                "jdbc:postgresql://127.0.0.1:5432/app?user=app", config.auth().membership());
        assertEquals("s3cret", config.auth().authSecret());
        assertEquals("myapp", config.auth().authCookiePrefix());
        assertEquals("", config.auth().sessionKeyPrefix(), "a hand-written storage adapter uses no prefix");
        assertEquals(Duration.ofSeconds(5), config.auth().membershipCache());
        assertEquals(AuthSettings.MEMBERSHIP_QUERY.defaultValue(), config.auth().membershipQuery());
        String[][] bad = {
            {"--session-store", "redis://h:1"},
            {"--session-store", "mysql://h", "--membership", "redis://h:1"},
            {"--session-store", "redis://h:1", "--membership", "redis://h:1", "--dev-session", "t=u:p"},
            {"--membership-query", "SELECT 1 WHERE ? = 'x'"},
        };
        String[] named = {"--session-store", "--session-store", "--dev-session", "--membership-query"};
        for (int i = 0; i < bad.length; i++) {
            String[] args = bad[i];
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse(args));
            assertTrue(e.getMessage().contains(named[i]), e.getMessage());
        }
    }

    @Test
    void aBadKeysFileLineIsNamedByFileAndLine(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.txt");
        Files.writeString(keys, "key-from-file-01=p3\n# fine\nnot a pair\n");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> EdgeCommandLine.parse("--keys-file", keys.toString()));
        assertEquals("keys.txt:3: expected KEY=PROJECT_ID", e.getMessage());
    }

    @Test
    void aKeyMappedToTwoProjectsIsRefused(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.txt");
        Files.writeString(keys, "key-one-00000001=p2\n");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> EdgeCommandLine.parse("--project-key", "key-one-00000001=p1", "--keys-file", keys.toString()));
        assertTrue(e.getMessage().startsWith("--keys-file"), e.getMessage());
    }

    @Test
    void demoAddsItsKeyAndSession() {
        EdgeConfig config = EdgeCommandLine.parse("--demo");
        assertEquals(AuthSettings.DEMO_PROJECT, config.auth().projectKeys().get(AuthSettings.DEMO_KEY));
        assertEquals(
                Set.of(AuthSettings.DEMO_PROJECT),
                config.auth().devSessions().get(AuthSettings.DEMO_SESSION).projectIds());
        assertNull(config.auth().ingestToken(), "the demo does not open ingest");
    }

    @Test
    void helpListsEveryFlagAndExitsZero() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EdgeCommandLine.run(
                new String[] {"--help"}, Map.of(), config -> 99, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code);
        for (String flag : FLAGS) {
            assertTrue(out.toString().contains(flag), flag + " missing from --help");
        }
        assertTrue(out.toString().replaceAll("\\s+", " ").contains("idle this long (default: 15s)"));
    }

    @Test
    void aBadFlagExitsTwoWithTheErrorAndAHint() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EdgeCommandLine.run(
                new String[] {"--ping-interval", "0s"},
                Map.of(),
                config -> 99,
                new PrintWriter(out),
                new PrintWriter(err));
        assertEquals(2, code);
        assertEquals(
                "error: --ping-interval must be positive, got 0s\nRun with --help for usage.\n",
                err.toString().replace(System.lineSeparator(), "\n"));
        assertEquals(
                2,
                EdgeCommandLine.run(
                        new String[] {"--no-such-flag"},
                        Map.of(),
                        config -> 99,
                        new PrintWriter(out),
                        new PrintWriter(err)));
    }

    @Test
    void goodFlagsRunTheServer() {
        int code = EdgeCommandLine.run(
                new String[] {"--port", "0"},
                Map.of(),
                config -> config.http().port() == 0 ? 7 : 1,
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        assertEquals(7, code);
    }
}
