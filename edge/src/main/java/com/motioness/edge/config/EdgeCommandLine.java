package com.motioness.edge.config;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;

/**
 * The command line of {@code motioness-edge}, on picocli: typed options, defaults shown in
 * {@code --help}, and errors that name the flag. Each option is also read from its
 * {@code MOTIONESS_*} environment variable and its key in the {@code --config} properties file
 * ({@link SettingSources}): a flag wins over the environment, which wins over the file. It only
 * turns settings into an {@link EdgeConfig}; the config validates.
 */
@Command(name = "motioness-edge", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        version = "motioness-edge 0.1.0",
        description = "Server-Sent Events edge of Motioness: streams asset lifecycle events to EventSource, curl "
                + "and CDNs. With no Redis configured, events come from an embedded in-memory log.%n",
        footer = {"%nEvery setting can also be given by its environment variable (env, above) or as a key of the "
                + "--config file: its flag without the dashes (redis-shards=4). A flag wins over the environment, "
                + "which wins over the file. There, a repeatable setting takes a list and a switch true or false.%n",
            "Durations: 500ms, 15s, 5m, 1h. Sizes: bytes, or with k / m (binary).%n",
            "Examples:%n  java -jar motioness-edge.jar --demo%n"
                + "  MOTIONESS_INGEST_TOKEN=... java -jar motioness-edge.jar --config edge.properties"})
public final class EdgeCommandLine {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeCommandLine.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file of settings, one key=value a line (default: none).")
    Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 8080;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind = "0.0.0.0";

    @Option(names = "--project-key", paramLabel = "KEY=PROJECT_ID", hideParamSyntax = true,
            split = "\\s*,\\s*", splitSynopsisLabel = ",",
            description = "A public project key; repeatable (default: none).")
    List<String> projectKeys = new ArrayList<>();

    @Option(names = "--keys-file", paramLabel = "PATH", description = "More keys: one KEY=PROJECT_ID per line, # comments (default: none).")
    Path keysFile;

    // Its value holds commas, so its list separator is ';', which a cookie value (RFC 6265
    // cookie-octet) and a project id cannot hold.
    @Option(names = "--dev-session", paramLabel = "TOKEN=USER_ID:PROJECT_ID[,PROJECT_ID...]", hideParamSyntax = true,
            split = "\\s*;\\s*", splitSynopsisLabel = ";",
            description = "A development session cookie value and the projects it may read; repeatable. Not for production "
                    + "(default: none).")
    List<String> devSessions = new ArrayList<>();

    @Option(names = "--cors-origin", paramLabel = "ORIGIN", hideParamSyntax = true,
            split = "\\s*,\\s*", splitSynopsisLabel = ",",
            description = "An origin allowed to call the session-cookie routes with credentials; repeatable (default: none).")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--ingest-token", paramLabel = "TOKEN",
            description = "Bearer token of POST /internal/events (default: none, ingest is off).")
    String ingestToken;

    @Option(names = "--ping-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Send ': ping' on a stream idle this long (default: 15s).")
    Duration pingInterval = Duration.ofSeconds(15);

    @Option(names = "--max-stream-duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Hard cap of one stream; each closes up to 10%% (at most 30s) earlier, at random (default: 5m).")
    Duration maxStreamDuration = Duration.ofMinutes(5);

    @Option(names = "--retry", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Reconnection delay advised to clients in 'retry:' (default: 3s).")
    Duration retry = Duration.ofSeconds(3);

    @Option(names = "--retention-count", paramLabel = "N", description = "Events kept per stream (default: ${DEFAULT-VALUE}).")
    int retentionCount = 1000;

    @Option(names = "--retention-age", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long events are kept (default: 1h).")
    Duration retentionAge = Duration.ofHours(1);

    @Option(names = "--idempotency-window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long an ingest batch's Idempotency-Key is remembered: a retry within it stores nothing "
                    + "(default: 24h).")
    Duration idempotencyWindow = Duration.ofHours(24);

    @Option(names = "--feed-tail-max", paramLabel = "N",
            description = "Most events the activity feed replays for ?tail=N, a larger N is capped to it; "
                    + "0: tails off (default: ${DEFAULT-VALUE}).")
    int feedTailMax = EdgeConfig.DEFAULT_FEED_TAIL_MAX;

    @Option(names = "--header-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time a client has to send a complete request (default: 10s).")
    Duration headerTimeout = Duration.ofSeconds(10);

    @Option(names = "--max-request-line", paramLabel = "BYTES", description = "Longest request line; 431 beyond (default: ${DEFAULT-VALUE}).")
    int maxRequestLine = 4096;

    @Option(names = "--max-header-size", paramLabel = "BYTES", description = "Largest header block; 431 beyond (default: ${DEFAULT-VALUE}).")
    int maxHeaderSize = 8192;

    @Option(names = "--max-ingest-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Largest ingest body; 413 beyond (default: 1m).")
    int maxIngestBytes = 1024 * 1024;

    @Option(names = "--write-buffer-high", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Per-connection write high-water mark; low is half, 4x is the hard ceiling (default: 128k).")
    int writeBufferHigh = 128 * 1024;

    @Option(names = "--slow-consumer-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a stream may stay unwritable before it is cut; the client resumes (default: 5s).")
    Duration slowConsumerTimeout = Duration.ofSeconds(5);

    @Option(names = "--send-buffer", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "SO_SNDBUF of client connections (the kernel keeps twice it), so a stalled client holds at most "
                    + "that much kernel memory; 0: the kernel's autotuning (default: 64k).")
    int sendBuffer = EdgeConfig.DEFAULT_SEND_BUFFER;

    @Option(names = "--ring-size", paramLabel = "N", description = "Slots of the event ring, a power of two (default: ${DEFAULT-VALUE}).")
    int ringSize = 65_536;

    @Option(names = "--io-threads", paramLabel = "N", description = "Event loops serving connections; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--reuse-port", description = "Bind with SO_REUSEPORT so several edge processes share one port"
            + " (epoll transport only; the kernel spreads new connections over them) (default: false).")
    boolean reusePort;

    @Option(names = "--redis", paramLabel = "URI",
            description = "Use Redis Streams as the shared log, redis://host:port (default: none, the log is embedded).")
    String redis;

    @Option(names = "--redis-prefix", paramLabel = "PREFIX", description = "First part of every Redis key (default: ${DEFAULT-VALUE}).")
    String redisPrefix = "mx";

    @Option(names = "--redis-shards", paramLabel = "K", description = "Shards the log is split into by project (default: ${DEFAULT-VALUE}).")
    int redisShards = 1;

    @Option(names = "--redis-firehose-length", paramLabel = "N",
            description = "Entries each shard's firehose keeps, approximately (default: ${DEFAULT-VALUE}).")
    int redisFirehoseLength = 100_000;

    @Option(names = "--redis-running-ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a running asset stays readable after its last event (default: 24h).")
    Duration redisRunningTtl = Duration.ofHours(24);

    @Option(names = "--session-store", paramLabel = "URI",
            description = "better-auth sessions: redis://… (secondary storage) or jdbc:postgresql://… (session table) "
                    + "(default: none, development sessions).")
    String sessionStore;

    @Option(names = "--session-key-prefix", paramLabel = "PREFIX",
            description = "Prefix of session keys in Redis secondary storage (default: ${DEFAULT-VALUE}).")
    String sessionKeyPrefix = "better-auth:";

    @Option(names = "--auth-secret", paramLabel = "SECRET",
            description = "better-auth's secret (default: BETTER_AUTH_SECRETS, BETTER_AUTH_SECRET, AUTH_SECRET, or its development default).")
    String authSecret;

    @Option(names = "--auth-cookie-prefix", paramLabel = "PREFIX", description = "better-auth's cookie prefix (default: ${DEFAULT-VALUE}).")
    String authCookiePrefix = "better-auth";

    @Option(names = "--membership", paramLabel = "URI",
            description = "Who may read which project: jdbc:postgresql://… (a query) or redis://… (project member sets) "
                    + "(default: none).")
    String membership;

    @Option(names = "--membership-query", paramLabel = "SQL",
            description = "Membership query with two ? (user id, project id); a row means yes (default: member of the "
                    + "project's organization).")
    String membershipQuery = com.motioness.edge.auth.SqlProjectAccess.DEFAULT_QUERY;

    @Option(names = "--membership-cache", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a membership answer, yes or no, is cached per node (default: 30s).")
    Duration membershipCache = Duration.ofSeconds(30);

    @Option(names = "--session-recheck", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often an open dashboard stream checks that its session still lives (default: 60s).")
    Duration sessionRecheck = Duration.ofSeconds(60);

    @Option(names = "--max-streams-per-key", paramLabel = "N", description = "Open streams per project key; 0: no limit (default: ${DEFAULT-VALUE}).")
    int maxStreamsPerKey = 20_000;

    @Option(names = "--max-streams-per-user", paramLabel = "N", description = "Open streams per signed-in user; 0: no limit (default: ${DEFAULT-VALUE}).")
    int maxStreamsPerUser = 200;

    @Option(names = "--max-streams-per-address", paramLabel = "N",
            description = "Open streams per client address; 0: no limit (default: ${DEFAULT-VALUE}).")
    int maxStreamsPerAddress = 2000;

    @Option(names = "--new-streams-per-address", paramLabel = "N",
            description = "New streams per client address per second, bursts of twice that; 0: no limit (default: ${DEFAULT-VALUE}).")
    int newStreamsPerAddress = 100;

    @Option(names = "--trusted-proxy", paramLabel = "IP[/BITS]", hideParamSyntax = true,
            split = "\\s*,\\s*", splitSynopsisLabel = ",",
            description = "A proxy or CDN range whose X-Forwarded-For names the client; repeatable (default: none).")
    List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--key-recheck", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often an open public stream checks its project key is still enabled (default: 5s).")
    Duration keyRecheck = Duration.ofSeconds(5);

    // Null unless given: the config derives it from --port.
    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "Port of /metrics, /healthz and /readyz; 0 picks a free one, -1 turns it off (default: --port + "
                    + EdgeConfig.ADMIN_PORT_OFFSET + ", so " + (8080 + EdgeConfig.ADMIN_PORT_OFFSET)
                    + " beside 8080; a free one with --port 0).")
    Integer adminPort;

    @Option(names = "--admin-bind", paramLabel = "ADDRESS",
            description = "Address of the admin port; loopback unless a scraper elsewhere needs it (default: ${DEFAULT-VALUE}).")
    String adminBind = "127.0.0.1";

    @Option(names = "--drain-window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "On SIGTERM, open streams are closed spread over this long, then the process exits; 0s: all at once (default: 20s).")
    Duration drainWindow = Duration.ofSeconds(20);

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Client connections open at once; one past it is reset (EventSource retries). 0: the open-file"
                    + " limit less 500 (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--access-log", paramLabel = "off|on|FRACTION", converter = SampleConverter.class,
            description = "One line per closed stream on logger motioness.access: off, on, or the fraction of streams logged (default: on).")
    double accessLogSample = 1.0;

    @Option(names = "--demo", description = "Run the built-in demo producer (key " + EdgeConfig.DEMO_KEY
            + ", session " + EdgeConfig.DEMO_SESSION + ") (default: false).")
    boolean demo;

    /** Parses flags alone, as if the environment were empty, into a validated configuration; errors name the flag. */
    public static EdgeConfig parse(String... args) {
        return parse(Map.of(), args);
    }

    /**
     * Parses flags, then {@code env}'s {@code MOTIONESS_*} variables, then the {@code --config} file
     * into a validated configuration.
     *
     * @param env the environment: {@code System.getenv()} in production, a map in tests
     * @throws IllegalArgumentException naming the flag, variable or file key of the first bad setting
     */
    public static EdgeConfig parse(Map<String, String> env, String... args) {
        CommandLine flagsOnly = commandLine(new EdgeCommandLine());
        try {
            flagsOnly.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return resolve(flagsOnly, args, env);
    }

    /**
     * Runs the command line: prints help or version, or reports a bad setting on {@code err} (exit
     * code 2), or hands the configuration to {@code server} and returns its exit code.
     *
     * @param env the environment: {@code System.getenv()} in production, a map in tests
     */
    public static int run(String[] args, Map<String, String> env, Function<EdgeConfig, Integer> server, PrintWriter out,
            PrintWriter err) {
        CommandLine flagsOnly = commandLine(new EdgeCommandLine());
        EdgeConfig config;
        try {
            flagsOnly.parseArgs(args);
            // Help is rendered before the environment is read: it shows the built-in defaults, and
            // no value from the environment (a secret) can reach it.
            if (flagsOnly.isUsageHelpRequested()) {
                flagsOnly.usage(out);
                return 0;
            }
            if (flagsOnly.isVersionHelpRequested()) {
                flagsOnly.printVersionHelp(out);
                return 0;
            }
            config = resolve(flagsOnly, args, env);
        } catch (CommandLine.ParameterException | IllegalArgumentException | java.io.UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help for usage.");
            err.flush();
            return 2;
        }
        return server.apply(config);
    }

    /**
     * Parses again with the environment and the config file as picocli's default values, which
     * picocli consults only for options missing from the command line.
     */
    private static EdgeConfig resolve(CommandLine flagsOnly, String[] args, Map<String, String> env) {
        EdgeCommandLine flags = flagsOnly.getCommand();
        Path file = flags.config;
        String shownAs = "--config";
        String fromEnv = env.get(SettingSources.ENV_PREFIX + "CONFIG");
        if (file == null && fromEnv != null && !fromEnv.isBlank()) {
            shownAs = SettingSources.ENV_PREFIX + "CONFIG";
            try {
                file = Path.of(fromEnv.strip());
            } catch (java.nio.file.InvalidPathException e) {
                throw new IllegalArgumentException(shownAs + ": not a path: " + e.getMessage(), e);
            }
        }
        SettingSources sources = file == null
                ? new SettingSources(env, null, Map.of())
                : new SettingSources(env, file.toString(), SettingsFile.read(file, shownAs));
        sources.checkKnown(flagsOnly.getCommandSpec());
        EdgeCommandLine resolved = new EdgeCommandLine();
        // No ${...} expansion in values: a secret may hold "$$" or "${".
        CommandLine withSources = commandLine(resolved).setDefaultValueProvider(sources).setInterpolateVariables(false);
        EdgeConfig config;
        try {
            withSources.parseArgs(args);
            config = resolved.toConfig();
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(sources.explain(e), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(sources.explain(e), e);
        }
        if (!sources.summary().isEmpty()) {
            // Names only: values may be secrets.
            LOG.info("settings not given as flags: {}", sources.summary());
        }
        return config;
    }

    /** A command line whose help lists each setting's environment variable under it. */
    private static CommandLine commandLine(EdgeCommandLine flags) {
        CommandLine commandLine = new CommandLine(flags);
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            // A repeatable option's variable or file key holds a list: without a separator it would
            // be read as one element.
            if (option.isMultiValue() && option.splitRegex().isEmpty()) {
                throw new IllegalStateException(option.longestName() + " is repeatable: give it a split separator "
                        + "so its environment variable and file key can hold a list");
            }
        }
        commandLine.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, EdgeCommandLine::optionList);
        return commandLine;
    }

    private static String optionList(Help help) {
        ColorScheme scheme = help.colorScheme();
        CommandSpec spec = help.commandSpec();
        Help.IOptionRenderer plain = help.createDefaultOptionRenderer();
        Help.IOptionRenderer withEnvironment = (option, labels, colors) -> {
            Help.Ansi.Text[][] rows = plain.render(option, labels, colors);
            if (!SettingSources.isSetting(option)) {
                return rows;
            }
            String list = option.isMultiValue() ? " (" + separatorName(option) + "-separated)" : "";
            Help.Ansi.Text empty = colors.ansi().new Text("", colors);
            Help.Ansi.Text[][] withRow = Arrays.copyOf(rows, rows.length + 1);
            withRow[rows.length] = new Help.Ansi.Text[] {empty, empty, empty, empty,
                colors.ansi().new Text("  env " + SettingSources.envName(option) + list, colors)};
            return withRow;
        };
        Help.TextTable table = Help.TextTable.forDefaultColumns(scheme,
                help.calcLongOptionColumnWidth(spec.options(), spec.positionalParameters(), scheme),
                spec.usageMessage().width());
        Help.Layout layout = new Help.Layout(scheme, table, withEnvironment, help.createDefaultParameterRenderer());
        return help.optionList(layout, help.createDefaultOptionSort(), help.parameterLabelRenderer());
    }

    private static String separatorName(OptionSpec option) {
        String label = option.splitRegexSynopsisLabel().isEmpty() ? option.splitRegex() : option.splitRegexSynopsisLabel();
        return switch (label) {
            case "," -> "comma";
            case ";" -> "semicolon";
            default -> label;
        };
    }

    private EdgeConfig toConfig() {
        EdgeConfig.Builder builder = EdgeConfig.builder()
                .port(port)
                .bind(bind)
                .projectKeys(pairs("--project-key", projectKeys))
                .keysFile(keysFile)
                .devSessions(sessions())
                .corsOrigins(new LinkedHashSet<>(corsOrigins))
                .ingestToken(ingestToken)
                .pingInterval(pingInterval)
                .maxStreamDuration(maxStreamDuration)
                .retry(retry)
                .retentionCount(retentionCount)
                .retentionAge(retentionAge)
                .idempotencyWindow(idempotencyWindow)
                .feedTailMax(feedTailMax)
                .headerTimeout(headerTimeout)
                .maxRequestLine(maxRequestLine)
                .maxHeaderSize(maxHeaderSize)
                .maxIngestBytes(maxIngestBytes)
                .writeBufferHigh(writeBufferHigh)
                .slowConsumerTimeout(slowConsumerTimeout)
                .sendBuffer(sendBuffer)
                .ringSize(ringSize)
                .ioThreads(ioThreads)
                .reusePort(reusePort)
                .demo(demo)
                .redis(redis)
                .redisPrefix(redisPrefix)
                .redisShards(redisShards)
                .redisFirehoseLength(redisFirehoseLength)
                .redisRunningTtl(redisRunningTtl)
                .sessionStore(sessionStore)
                .sessionKeyPrefix(sessionKeyPrefix)
                .authSecret(authSecret)
                .authCookiePrefix(authCookiePrefix)
                .membership(membership)
                .membershipQuery(membershipQuery)
                .membershipCache(membershipCache)
                .sessionRecheck(sessionRecheck)
                .keyRecheck(keyRecheck)
                .maxStreamsPerKey(maxStreamsPerKey)
                .maxStreamsPerUser(maxStreamsPerUser)
                .maxStreamsPerAddress(maxStreamsPerAddress)
                .newStreamsPerAddress(newStreamsPerAddress)
                .trustedProxies(trustedProxies)
                .adminBind(adminBind)
                .drainWindow(drainWindow)
                .accessLogSample(accessLogSample)
                .maxConnections(maxConnections);
        if (adminPort != null) {
            builder.adminPort(adminPort);
        }
        return builder.build();
    }

    private static Map<String, String> pairs(String flag, List<String> values) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            if (eq <= 0 || eq == value.length() - 1) {
                throw new IllegalArgumentException(flag + " expects KEY=VALUE, got \"" + value + "\"");
            }
            String before = pairs.putIfAbsent(value.substring(0, eq), value.substring(eq + 1));
            if (before != null && !before.equals(value.substring(eq + 1))) {
                throw new IllegalArgumentException(flag + " gives key " + value.substring(0, eq) + " two projects");
            }
        }
        return pairs;
    }

    private Map<String, EdgeConfig.DevSession> sessions() {
        Map<String, EdgeConfig.DevSession> sessions = new LinkedHashMap<>();
        pairs("--dev-session", devSessions).forEach((token, grant) -> {
            int colon = grant.indexOf(':');
            if (colon <= 0 || colon == grant.length() - 1) {
                throw new IllegalArgumentException("--dev-session expects TOKEN=USER_ID:PROJECT_ID[,PROJECT_ID...], got \""
                        + token + "=" + grant + "\"");
            }
            Set<String> projects = new LinkedHashSet<>(List.of(grant.substring(colon + 1).split(",")));
            sessions.put(token, new EdgeConfig.DevSession(grant.substring(0, colon), projects));
        });
        return sessions;
    }

    /** Converts {@code 500ms}, {@code 15s}, {@code 5m}, {@code 1h}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                // A TypeConversionException's message is shown as it is, without picocli's type and class names.
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Converts {@code off} (0), {@code on} (1) or a fraction between 0 and 1. */
    static final class SampleConverter implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            if (value.equals("off")) {
                return 0.0;
            }
            if (value.equals("on")) {
                return 1.0;
            }
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("expected off, on or a fraction like 0.1, got \"" + value + "\"");
            }
        }
    }

    /** Converts {@code 131072}, {@code 128k}, {@code 1m}. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return ByteSizes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
