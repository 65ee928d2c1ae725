package com.motioness.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Settings from MOTIONESS_* variables and the --config file: precedence flag, environment, file,
 * default; lists, switches, durations and sizes from each; unknown names refused; errors that name
 * where the bad value came from and never print a value.
 */
class EdgeCommandLineSourcesTest {
    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        Path file = dir.resolve("edge.properties");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static String error(Map<String, String> env, String... args) {
        return assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse(env, args))
                .getMessage();
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
        Path file = file("port=1111", "retention-count=11", "retry=1s");
        Map<String, String> env = env("MOTIONESS_PORT", "2222", "MOTIONESS_RETENTION_COUNT", "22");
        EdgeConfig config = EdgeCommandLine.parse(env, "--config", file.toString(), "--port", "3333");
        assertEquals(3333, config.http().port(), "flag over environment");
        assertEquals(22, config.log().retentionCount(), "environment over file");
        assertEquals(Duration.ofSeconds(1), config.streaming().retry(), "file over default");
        assertEquals(Duration.ofHours(1), config.log().retentionAge(), "default when nowhere");
        assertEquals(
                2222,
                EdgeCommandLine.parse(env, "--config", file.toString()).http().port());
        assertEquals(
                1111,
                EdgeCommandLine.parse(Map.of(), "--config", file.toString())
                        .http()
                        .port());
        assertEquals(
                8080, EdgeCommandLine.parse(env("MOTIONESS_RETRY", "2s")).http().port());
    }

    @Test
    void theFileIsNamedByTheFlagOrByMotionessConfigAndTheFlagWins() throws Exception {
        Path file = file("port=1111");
        Path other = dir.resolve("other.properties");
        Files.writeString(other, "port=2222\n");
        assertEquals(
                1111,
                EdgeCommandLine.parse(env("MOTIONESS_CONFIG", file.toString()))
                        .http()
                        .port());
        assertEquals(
                2222,
                EdgeCommandLine.parse(env("MOTIONESS_CONFIG", file.toString()), "--config", other.toString())
                        .http()
                        .port());
        assertEquals(
                "MOTIONESS_CONFIG: no such file: " + dir.resolve("none"),
                error(env("MOTIONESS_CONFIG", dir.resolve("none").toString())));
        assertEquals(
                "--config: no such file: " + dir.resolve("none"),
                error(Map.of(), "--config", dir.resolve("none").toString()));
    }

    @Test
    void repeatableSettingsTakeListsAndAFlagReplacesTheWholeList() throws Exception {
        Path file = file(
                "cors-origin=https://a.example.com, http://localhost:3000",
                "dev-session=tok-1=user-1:p1,p2;tok-2=user-2:p3",
                "trusted-proxy=10.0.0.0/8,192.168.1.1");
        EdgeConfig config = EdgeCommandLine.parse(env(
                "MOTIONESS_CONFIG",
                file.toString(),
                "MOTIONESS_PROJECT_KEY",
                "key-one-00000001=p1,key-two-00000002=p2"));
        assertEquals(
                Map.of("key-one-00000001", "p1", "key-two-00000002", "p2"),
                config.auth().projectKeys());
        assertEquals(
                Set.of("https://a.example.com", "http://localhost:3000"),
                config.http().corsOrigins(),
                "blanks around a list's elements are not part of them");
        assertEquals(
                new AuthSettings.DevSession("user-1", Set.of("p1", "p2")),
                config.auth().devSessions().get("tok-1"));
        assertEquals(
                new AuthSettings.DevSession("user-2", Set.of("p3")),
                config.auth().devSessions().get("tok-2"));
        assertEquals(List.of("10.0.0.0/8", "192.168.1.1"), config.limits().trustedProxies());

        EdgeConfig flagged = EdgeCommandLine.parse(
                env("MOTIONESS_PROJECT_KEY", "key-one-00000001=p1,key-two-00000002=p2"),
                "--project-key",
                "key-three-0000003=p3");
        assertEquals(
                Map.of("key-three-0000003", "p3"), flagged.auth().projectKeys(), "not merged with the environment's");
        assertTrue(
                EdgeCommandLine.parse(env("MOTIONESS_CORS_ORIGIN", ""))
                        .http()
                        .corsOrigins()
                        .isEmpty(),
                "empty: none");
    }

    @Test
    void everyRepeatableOptionHasAListSeparatorAndNoElementCanHoldIt() {
        // The mechanism refuses a repeatable option without one; this checks the values' syntax:
        // a comma can only separate project keys, origins and proxies (see the README), while a
        // development session holds commas, so it is split on ';'.
        CommandLine commandLine = new CommandLine(EdgeCommandLine.commandSpec());
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            if (option.isMultiValue()) {
                assertEquals(
                        option.longestName().equals("--dev-session") ? ";" : ",",
                        option.splitRegexSynopsisLabel(),
                        option.longestName());
            }
        }
    }

    @Test
    void switchesTakeTrueOrFalse() throws Exception {
        assertTrue(EdgeCommandLine.parse(env("MOTIONESS_DEMO", "true")).ops().demo());
        assertTrue(EdgeCommandLine.parse(env("MOTIONESS_DEMO", "TRUE")).ops().demo());
        assertFalse(EdgeCommandLine.parse(env("MOTIONESS_DEMO", "false")).ops().demo());
        assertTrue(
                EdgeCommandLine.parse(env("MOTIONESS_CONFIG", file("demo=true").toString()))
                        .ops()
                        .demo());
        assertTrue(
                EdgeCommandLine.parse(env("MOTIONESS_DEMO", "false"), "--demo")
                        .ops()
                        .demo(),
                "the flag wins");
        assertEquals("MOTIONESS_DEMO: 'yes' is not a boolean", error(env("MOTIONESS_DEMO", "yes")));
        assertEquals(
                dir.resolve("edge.properties") + ": demo: '1' is not a boolean",
                error(env("MOTIONESS_CONFIG", file("demo=1").toString())));
    }

    @Test
    void durationsAndSizesParseFromEachSource() throws Exception {
        Path file = file("ping-interval=250ms", "max-ingest-bytes=2m", "redis-running-ttl=2h");
        EdgeConfig config = EdgeCommandLine.parse(
                env(
                        "MOTIONESS_CONFIG",
                        file.toString(),
                        "MOTIONESS_MAX_STREAM_DURATION",
                        "2m",
                        "MOTIONESS_WRITE_BUFFER_HIGH",
                        "64k"),
                "--retention-age",
                "30m");
        assertEquals(Duration.ofMillis(250), config.streaming().pingInterval());
        assertEquals(2 * 1024 * 1024, config.http().maxIngestBytes());
        assertEquals(Duration.ofHours(2), config.log().redisRunningTtl());
        assertEquals(Duration.ofMinutes(2), config.streaming().maxStreamDuration());
        assertEquals(64 * 1024, config.streaming().writeBufferHigh());
        assertEquals(Duration.ofMinutes(30), config.log().retentionAge());
    }

    @Test
    void aBadValueIsNamedByItsVariableOrItsFileAndKey() throws Exception {
        String file = dir.resolve("edge.properties").toString();
        assertEquals("MOTIONESS_PORT: 'abc' is not an int", error(env("MOTIONESS_PORT", "abc")));
        assertEquals("MOTIONESS_PORT must be between 0 and 65535, got 70000", error(env("MOTIONESS_PORT", "70000")));
        assertEquals(
                file + ": redis-shards must be between 1 and 1024, got 0",
                error(env("MOTIONESS_CONFIG", file("redis-shards=0").toString())));
        assertEquals(
                "MOTIONESS_PING_INTERVAL: expected a duration like 500ms, 15s, 5m or 1h, got \"5x\"",
                error(env("MOTIONESS_PING_INTERVAL", "5x")));
        assertEquals(
                file + ": max-ingest-bytes: expected a size like 131072, 128k or 1m, got \"lots\"",
                error(env("MOTIONESS_CONFIG", file("max-ingest-bytes=lots").toString())));
        assertEquals(
                file + ": project-key expects KEY=VALUE, got \"nokey\"",
                error(env("MOTIONESS_CONFIG", file("project-key=nokey").toString())));
        assertEquals(
                "--port must be between 0 and 65535, got 70000",
                error(env("MOTIONESS_PORT", "1"), "--port", "70000"),
                "a flag's error still names the flag");
        assertEquals(
                "Invalid value for option '--ping-interval': expected a duration like 500ms, 15s, 5m or 1h, got \"5x\"",
                error(Map.of(), "--ping-interval", "5x"));
    }

    @Test
    void surroundingBlanksAreNotPartOfAValue() {
        EdgeConfig config = EdgeCommandLine.parse(
                env("MOTIONESS_REDIS_SHARDS", " 4\n", "MOTIONESS_INGEST_TOKEN", "from-a-mounted-secret-file\n"));
        assertEquals(4, config.log().redisShards());
        assertEquals("from-a-mounted-secret-file", config.auth().ingestToken());
    }

    @Test
    void unknownVariablesAndKeysAreRefusedByNameWithASuggestion() throws Exception {
        String file = dir.resolve("edge.properties").toString();
        assertEquals(
                "MOTIONESS_PROT: unknown environment variable (did you mean MOTIONESS_PORT?)",
                error(env("MOTIONESS_PROT", "9090")));
        assertEquals(
                file + ": redis-shard: unknown key (did you mean redis-shards?)",
                error(env("MOTIONESS_CONFIG", file("redis-shard=4").toString())));
        assertEquals(
                file + ": config: unknown key (a config file cannot name another)",
                error(Map.of(), "--config", file("config=other.properties").toString()));
        assertEquals(
                "MOTIONESS_HELP: unknown environment variable; MOTIONESS_ZZZZZZZZ: unknown environment variable; "
                        + file + ": --port: unknown key (did you mean port?); " + file + ": help: unknown key",
                error(
                        env("MOTIONESS_HELP", "true", "MOTIONESS_ZZZZZZZZ", "1"),
                        "--config",
                        file("--port=1", "help=true").toString()));
        EdgeConfig config = EdgeCommandLine.parse(
                env("PATH", "/usr/bin", "HOME", "/root", "motioness_port", "1", "MOTIONESSPORT", "1"));
        assertEquals(8080, config.http().port(), "only MOTIONESS_* variables are settings");
    }

    @Test
    void aKeyGivenTwiceInTheFileIsRefused() throws Exception {
        assertEquals(
                dir.resolve("edge.properties") + ": port: given twice",
                error(
                        Map.of(),
                        "--config",
                        file("port=1", "bind=127.0.0.1", "port=2").toString()));
    }

    @Test
    void secretsAreTakenLiterallyAndNeverPrinted() throws Exception {
        String secret = "s3cret-$${env:HOME}-${sys:user.home}-$$-end";
        EdgeConfig config = EdgeCommandLine.parse(env("MOTIONESS_AUTH_SECRET", secret));
        assertEquals(secret, config.auth().authSecret(), "no ${...} expansion, no $$ unescaping");

        String shortToken = "tooshort-token";
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EdgeCommandLine.run(
                new String[0],
                env("MOTIONESS_INGEST_TOKEN", shortToken),
                c -> 0,
                new PrintWriter(out),
                new PrintWriter(err));
        assertEquals(2, code);
        assertEquals(
                "error: MOTIONESS_INGEST_TOKEN must be at least 16 characters\nRun with --help for usage.\n",
                err.toString().replace(System.lineSeparator(), "\n"));
        String typo = error(env("MOTIONESS_AUTH_SECRT", secret));
        assertFalse(typo.contains("s3cret"), typo);

        out = new StringWriter();
        EdgeCommandLine.run(
                new String[] {"--help"},
                env("MOTIONESS_AUTH_SECRET", secret, "MOTIONESS_PORT", "4242"),
                c -> 99,
                new PrintWriter(out),
                new PrintWriter(new StringWriter()));
        assertFalse(out.toString().contains("s3cret"));
        assertFalse(out.toString().contains("4242"), "help shows the built-in defaults");

        SettingSources sources = new SettingSources(
                env("MOTIONESS_AUTH_SECRET", secret, "MOTIONESS_PORT", "4242"),
                "edge.properties",
                Map.of("ingest-token", "file-ingest-token-0123"));
        CommandLine commandLine = new CommandLine(EdgeCommandLine.commandSpec()).setDefaultValueProvider(sources);
        commandLine.parseArgs();
        assertEquals(
                "environment: MOTIONESS_PORT, MOTIONESS_AUTH_SECRET; edge.properties: ingest-token",
                sources.summary(),
                "the startup log line names, never shows");
    }

    @Test
    void aBadEnvironmentExitsTwoWithTheSettingNamedOnStderr() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EdgeCommandLine.run(
                new String[0], env("MOTIONESS_PORT", "abc"), c -> 99, new PrintWriter(out), new PrintWriter(err));
        assertEquals(2, code);
        assertEquals(
                "error: MOTIONESS_PORT: 'abc' is not an int\nRun with --help for usage.\n",
                err.toString().replace(System.lineSeparator(), "\n"));
        assertEquals("", out.toString());
    }

    @Test
    void helpListsEverySettingWithItsDefaultAndVariable() {
        StringWriter out = new StringWriter();
        assertEquals(
                0,
                EdgeCommandLine.run(
                        new String[] {"--help"},
                        Map.of(),
                        c -> 99,
                        new PrintWriter(out),
                        new PrintWriter(new StringWriter())));
        String help = out.toString();
        CommandLine commandLine = new CommandLine(EdgeCommandLine.commandSpec());
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            if (SettingSources.isSetting(option)) {
                assertTrue(
                        help.contains("env " + SettingSources.envName(option)),
                        option.longestName() + " has no env line");
                assertTrue(
                        String.join(" ", option.description()).contains("(default: "),
                        option.longestName() + " shows no default");
            }
        }
        assertTrue(help.contains("env MOTIONESS_PROJECT_KEY (comma-separated)"), help);
        assertTrue(help.contains("env MOTIONESS_DEV_SESSION (semicolon-separated)"), help);
        assertFalse(help.contains("MOTIONESS_HELP"), help);
    }

    @Test
    void namesAreDerivedFromTheLongFlag() {
        OptionSpec option =
                OptionSpec.builder("--redis-firehose-length").type(int.class).build();
        assertEquals("MOTIONESS_REDIS_FIREHOSE_LENGTH", SettingSources.envName(option));
        assertEquals("redis-firehose-length", SettingSources.key(option));
        assertNull(new SettingSources(Map.of(), null, Map.of()).defaultValue(option));
    }

    @Test
    void theReadmeHasOneTableWithEverySettingAndItsVariable() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
        int header = lines.indexOf("| flag | environment variable | default | what it does |");
        assertTrue(header > 0, "the settings table's header");
        int end = header;
        while (end < lines.size() && lines.get(end).startsWith("|")) {
            end++;
        }
        List<String> table = lines.subList(header, end);
        for (OptionSpec option : EdgeCommandLine.commandSpec().options()) {
            if (SettingSources.isSetting(option)) {
                String flag = "| `" + option.longestName();
                String variable = "` | `" + SettingSources.envName(option) + "` | ";
                assertTrue(
                        table.stream()
                                .anyMatch(row -> (row.startsWith(flag + "`") || row.startsWith(flag + " "))
                                        && row.contains(variable)),
                        option.longestName() + " is not a row of the README's one settings table");
            }
        }
    }
}
