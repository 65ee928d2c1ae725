package com.motioness.edge.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every setting of one edge, immutable and validated as a whole when built: an invalid value
 * fails at start with a message that names its flag, never later on a request.
 */
public final class EdgeConfig {
    /** The demo's project. */
    public static final String DEMO_PROJECT = "demo";
    /** The demo's public project key. */
    public static final String DEMO_KEY = "demo-key-0123456789";
    /** The demo's development session cookie value. */
    public static final String DEMO_SESSION = "demo-session";
    /**
     * {@code --send-buffer}'s default: Linux keeps twice it, 128 KiB a connection, which carries about
     * 10 Mbit/s at a 100 ms round trip, ample for event streams (docs/architecture.md, Backpressure).
     */
    public static final int DEFAULT_SEND_BUFFER = 64 * 1024;
    /**
     * {@code --admin-port}'s default is {@code --port} plus this: 9080 beside 8080. Derived rather than
     * fixed so that edges on one machine, each on its own port, never collide on the admin port, and
     * still predictable for a scrape configuration; not 9090, which is Prometheus's own port.
     */
    public static final int ADMIN_PORT_OFFSET = 1000;
    /** {@code --feed-tail-max}'s default: as many as the dashboard's feed list shows, two replay pages. */
    public static final int DEFAULT_FEED_TAIL_MAX = 500;
    /** The most {@code --feed-tail-max} may be: each feed opened with a tail reads that many events. */
    public static final int MAX_FEED_TAIL = 10_000;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{8,128}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:~-]{1,128}");
    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?");

    /** A development session: the user and the projects they may read. */
    public record DevSession(String userId, Set<String> projectIds) {
        /** Copies the set. */
        public DevSession {
            projectIds = Set.copyOf(projectIds);
        }
    }

    private final int port;
    private final String bind;
    private final Map<String, String> projectKeys;
    private final Map<String, String> flagProjectKeys;
    private final Path keysFile;
    private final Map<String, DevSession> devSessions;
    private final Set<String> corsOrigins;
    private final String ingestToken;
    private final Duration pingInterval;
    private final Duration maxStreamDuration;
    private final Duration retry;
    private final int retentionCount;
    private final Duration retentionAge;
    private final Duration idempotencyWindow;
    private final int feedTailMax;
    private final Duration headerTimeout;
    private final int maxRequestLine;
    private final int maxHeaderSize;
    private final int maxIngestBytes;
    private final int writeBufferHigh;
    private final Duration slowConsumerTimeout;
    private final int sendBuffer;
    private final int ringSize;
    private final int ioThreads;
    private final boolean reusePort;
    private final boolean demo;
    private final String redis;
    private final String redisPrefix;
    private final int redisShards;
    private final int redisFirehoseLength;
    private final Duration redisRunningTtl;
    private final String sessionStore;
    private final String sessionKeyPrefix;
    private final String authSecret;
    private final String authCookiePrefix;
    private final String membership;
    private final String membershipQuery;
    private final Duration membershipCache;
    private final Duration sessionRecheck;
    private final Duration keyRecheck;
    private final int maxStreamsPerKey;
    private final int maxStreamsPerUser;
    private final int maxStreamsPerAddress;
    private final int newStreamsPerAddress;
    private final List<String> trustedProxies;
    private final int adminPort;
    private final String adminBind;
    private final Duration drainWindow;
    private final double accessLogSample;
    private final int maxConnections;

    private EdgeConfig(Builder b, Map<String, String> projectKeys, Map<String, DevSession> devSessions, int adminPort) {
        port = b.port;
        bind = b.bind;
        this.projectKeys = Map.copyOf(projectKeys);
        this.flagProjectKeys = Map.copyOf(b.projectKeys);
        keysFile = b.keysFile;
        this.devSessions = Map.copyOf(devSessions);
        corsOrigins = Set.copyOf(b.corsOrigins);
        ingestToken = b.ingestToken;
        pingInterval = b.pingInterval;
        maxStreamDuration = b.maxStreamDuration;
        retry = b.retry;
        retentionCount = b.retentionCount;
        retentionAge = b.retentionAge;
        idempotencyWindow = b.idempotencyWindow;
        feedTailMax = b.feedTailMax;
        headerTimeout = b.headerTimeout;
        maxRequestLine = b.maxRequestLine;
        maxHeaderSize = b.maxHeaderSize;
        maxIngestBytes = b.maxIngestBytes;
        writeBufferHigh = b.writeBufferHigh;
        slowConsumerTimeout = b.slowConsumerTimeout;
        sendBuffer = b.sendBuffer;
        ringSize = b.ringSize;
        ioThreads = b.ioThreads;
        reusePort = b.reusePort;
        demo = b.demo;
        redis = b.redis;
        redisPrefix = b.redisPrefix;
        redisShards = b.redisShards;
        redisFirehoseLength = b.redisFirehoseLength;
        redisRunningTtl = b.redisRunningTtl;
        sessionStore = b.sessionStore;
        sessionKeyPrefix = b.sessionKeyPrefix;
        authSecret = b.authSecret;
        authCookiePrefix = b.authCookiePrefix;
        membership = b.membership;
        membershipQuery = b.membershipQuery;
        membershipCache = b.membershipCache;
        sessionRecheck = b.sessionRecheck;
        keyRecheck = b.keyRecheck;
        maxStreamsPerKey = b.maxStreamsPerKey;
        maxStreamsPerUser = b.maxStreamsPerUser;
        maxStreamsPerAddress = b.maxStreamsPerAddress;
        newStreamsPerAddress = b.newStreamsPerAddress;
        trustedProxies = b.trustedProxies;
        this.adminPort = adminPort;
        adminBind = b.adminBind;
        drainWindow = b.drainWindow;
        accessLogSample = b.accessLogSample;
        maxConnections = b.maxConnections;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code --port}. */
    public int port() {
        return port;
    }

    /** {@code --bind}. */
    public String bind() {
        return bind;
    }

    /** Project key to project id, from {@code --project-key}, {@code --keys-file} and the demo. */
    public Map<String, String> projectKeys() {
        return projectKeys;
    }

    /** The keys given by {@code --project-key} (and the demo's) alone, without the keys file. */
    public Map<String, String> flagProjectKeys() {
        return flagProjectKeys;
    }

    /** {@code --keys-file}, or null. */
    public Path keysFile() {
        return keysFile;
    }

    /** Session token to session, from {@code --dev-session} and the demo. */
    public Map<String, DevSession> devSessions() {
        return devSessions;
    }

    /** {@code --cors-origin}. */
    public Set<String> corsOrigins() {
        return corsOrigins;
    }

    /** {@code --ingest-token}, or null when ingest is disabled. */
    public String ingestToken() {
        return ingestToken;
    }

    /** {@code --ping-interval}. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** {@code --max-stream-duration}. */
    public Duration maxStreamDuration() {
        return maxStreamDuration;
    }

    /** {@code --retry}. */
    public Duration retry() {
        return retry;
    }

    /** {@code --retention-count}. */
    public int retentionCount() {
        return retentionCount;
    }

    /** {@code --retention-age}. */
    public Duration retentionAge() {
        return retentionAge;
    }

    /** {@code --idempotency-window}: how long an ingest batch's idempotency key is remembered. */
    public Duration idempotencyWindow() {
        return idempotencyWindow;
    }

    /**
     * {@code --feed-tail-max}: the most events the activity feed replays for {@code ?tail=N}; a
     * larger N is capped to it, and 0 turns tails off (the feed starts live).
     */
    public int feedTailMax() {
        return feedTailMax;
    }

    /** {@code --header-timeout}. */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /** {@code --max-request-line}. */
    public int maxRequestLine() {
        return maxRequestLine;
    }

    /** {@code --max-header-size}. */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /** {@code --max-ingest-bytes}. */
    public int maxIngestBytes() {
        return maxIngestBytes;
    }

    /** {@code --write-buffer-high}. */
    public int writeBufferHigh() {
        return writeBufferHigh;
    }

    /** {@code --slow-consumer-timeout}. */
    public Duration slowConsumerTimeout() {
        return slowConsumerTimeout;
    }

    /**
     * {@code --send-buffer}: SO_SNDBUF of client connections in bytes (Linux keeps twice it); 0 leaves
     * the kernel's autotuning.
     */
    public int sendBuffer() {
        return sendBuffer;
    }

    /** {@code --ring-size}. */
    public int ringSize() {
        return ringSize;
    }

    /** {@code --io-threads}; 0 means one per core. */
    public int ioThreads() {
        return ioThreads;
    }

    /** {@code --reuse-port}: several processes may listen on the same port (SO_REUSEPORT). */
    public boolean reusePort() {
        return reusePort;
    }

    /** {@code --demo}. */
    public boolean demo() {
        return demo;
    }

    /** {@code --redis}: the Redis URI of the shared log, or null for the embedded log. */
    public String redis() {
        return redis;
    }

    /** {@code --redis-prefix}. */
    public String redisPrefix() {
        return redisPrefix;
    }

    /** {@code --redis-shards}. */
    public int redisShards() {
        return redisShards;
    }

    /** {@code --redis-firehose-length}: entries each shard's firehose keeps (approximately). */
    public int redisFirehoseLength() {
        return redisFirehoseLength;
    }

    /** {@code --redis-running-ttl}: how long a running asset stays readable after its last event. */
    public Duration redisRunningTtl() {
        return redisRunningTtl;
    }

    /** {@code --session-store}: the better-auth session store: redis://… (secondary storage) or jdbc:postgresql://… (session table); null: development sessions. */
    public String sessionStore() {
        return sessionStore;
    }

    /** {@code --session-key-prefix}: prefix of session keys in Redis secondary storage. */
    public String sessionKeyPrefix() {
        return sessionKeyPrefix;
    }

    /** {@code --auth-secret}: better-auth's secret; null: from BETTER_AUTH_SECRETS, BETTER_AUTH_SECRET, AUTH_SECRET or its development default. */
    public String authSecret() {
        return authSecret;
    }

    /** {@code --auth-cookie-prefix}: better-auth's cookie prefix. */
    public String authCookiePrefix() {
        return authCookiePrefix;
    }

    /** {@code --membership}: where membership lives: jdbc:postgresql://… or redis://…. */
    public String membership() {
        return membership;
    }

    /** {@code --membership-query}: the SQL membership query (user id, project id). */
    public String membershipQuery() {
        return membershipQuery;
    }

    /** {@code --membership-cache}: how long a membership answer is cached per node. */
    public Duration membershipCache() {
        return membershipCache;
    }

    /** {@code --session-recheck}: how often an open dashboard stream re-checks its session. */
    public Duration sessionRecheck() {
        return sessionRecheck;
    }

    /** {@code --max-streams-per-key}: open streams per project key; 0: no limit. */
    public int maxStreamsPerKey() {
        return maxStreamsPerKey;
    }

    /** {@code --max-streams-per-user}: open streams per signed-in user; 0: no limit. */
    public int maxStreamsPerUser() {
        return maxStreamsPerUser;
    }

    /** {@code --max-streams-per-address}: open streams per client address; 0: no limit. */
    public int maxStreamsPerAddress() {
        return maxStreamsPerAddress;
    }

    /** {@code --new-streams-per-address}: new streams per client address per second, burst twice that; 0: no limit. */
    public int newStreamsPerAddress() {
        return newStreamsPerAddress;
    }

    /** {@code --trusted-proxy}: proxies whose X-Forwarded-For names the client. */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    /** {@code --key-recheck}: how often an open public stream checks that its project key is still enabled. */
    public Duration keyRecheck() {
        return keyRecheck;
    }

    /**
     * {@code --admin-port}: port of /metrics, /healthz and /readyz; 0: any free port; -1: no admin port.
     * Unless given, {@code --port} + {@link #ADMIN_PORT_OFFSET}, or any free port when {@code --port} is 0.
     */
    public int adminPort() {
        return adminPort;
    }

    /** {@code --admin-bind}: address of the admin port. */
    public String adminBind() {
        return adminBind;
    }

    /** {@code --drain-window}: how long SIGTERM spreads the closing of open streams over; 0: at once. */
    public Duration drainWindow() {
        return drainWindow;
    }

    /** {@code --access-log}: the fraction of closed streams logged, 0 (off) to 1 (every one). */
    public double accessLogSample() {
        return accessLogSample;
    }

    /** {@code --max-connections}; 0 means the open-file limit less 500. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Collects settings; {@link #build()} validates them. */
    public static final class Builder {
        private int port = 8080;
        private String bind = "0.0.0.0";
        private Map<String, String> projectKeys = Map.of();
        private Path keysFile;
        private Map<String, DevSession> devSessions = Map.of();
        private Set<String> corsOrigins = Set.of();
        private String ingestToken;
        private Duration pingInterval = Duration.ofSeconds(15);
        private Duration maxStreamDuration = Duration.ofMinutes(5);
        private Duration retry = Duration.ofSeconds(3);
        private int retentionCount = 1000;
        private Duration retentionAge = Duration.ofHours(1);
        private Duration idempotencyWindow = Duration.ofHours(24);
        private int feedTailMax = DEFAULT_FEED_TAIL_MAX;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private int maxRequestLine = 4096;
        private int maxHeaderSize = 8192;
        private int maxIngestBytes = 1024 * 1024;
        private int writeBufferHigh = 128 * 1024;
        private Duration slowConsumerTimeout = Duration.ofSeconds(5);
        private int sendBuffer = DEFAULT_SEND_BUFFER;
        private int ringSize = 65_536;
        private int ioThreads;
        private boolean demo;
        private boolean reusePort;
        private String redis;
        private String redisPrefix = "mx";
        private int redisShards = 1;
        private int redisFirehoseLength = 100_000;
        private Duration redisRunningTtl = Duration.ofHours(24);
        private String sessionStore;
        private String sessionKeyPrefix = "better-auth:";
        private String authSecret;
        private String authCookiePrefix = "better-auth";
        private String membership;
        private String membershipQuery = com.motioness.edge.auth.SqlProjectAccess.DEFAULT_QUERY;
        private Duration membershipCache = Duration.ofSeconds(30);
        private Duration sessionRecheck = Duration.ofSeconds(60);
        private Duration keyRecheck = Duration.ofSeconds(5);
        private int maxStreamsPerKey = 20_000;
        private int maxStreamsPerUser = 200;
        private int maxStreamsPerAddress = 2000;
        private int newStreamsPerAddress = 100;
        private List<String> trustedProxies = List.of();
        /** Null: derived from {@link #port} when built. */
        private Integer adminPort;
        private String adminBind = "127.0.0.1";
        private Duration drainWindow = Duration.ofSeconds(20);
        private double accessLogSample = 1.0;
        private int maxConnections;

        private Builder() {
        }

        /** @see EdgeConfig#port() */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** @see EdgeConfig#bind() */
        public Builder bind(String bind) {
            this.bind = bind;
            return this;
        }

        /** @see EdgeConfig#projectKeys() */
        public Builder projectKeys(Map<String, String> projectKeys) {
            this.projectKeys = Map.copyOf(projectKeys);
            return this;
        }

        /** @see EdgeConfig#keysFile() */
        public Builder keysFile(Path keysFile) {
            this.keysFile = keysFile;
            return this;
        }

        /** @see EdgeConfig#devSessions() */
        public Builder devSessions(Map<String, DevSession> devSessions) {
            this.devSessions = Map.copyOf(devSessions);
            return this;
        }

        /** @see EdgeConfig#corsOrigins() */
        public Builder corsOrigins(Set<String> corsOrigins) {
            this.corsOrigins = Set.copyOf(corsOrigins);
            return this;
        }

        /** @see EdgeConfig#ingestToken() */
        public Builder ingestToken(String ingestToken) {
            this.ingestToken = ingestToken;
            return this;
        }

        /** @see EdgeConfig#pingInterval() */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = pingInterval;
            return this;
        }

        /** @see EdgeConfig#maxStreamDuration() */
        public Builder maxStreamDuration(Duration maxStreamDuration) {
            this.maxStreamDuration = maxStreamDuration;
            return this;
        }

        /** @see EdgeConfig#retry() */
        public Builder retry(Duration retry) {
            this.retry = retry;
            return this;
        }

        /** @see EdgeConfig#retentionCount() */
        public Builder retentionCount(int retentionCount) {
            this.retentionCount = retentionCount;
            return this;
        }

        /** @see EdgeConfig#retentionAge() */
        public Builder retentionAge(Duration retentionAge) {
            this.retentionAge = retentionAge;
            return this;
        }

        /** @see EdgeConfig#idempotencyWindow() */
        public Builder idempotencyWindow(Duration idempotencyWindow) {
            this.idempotencyWindow = idempotencyWindow;
            return this;
        }

        /** @see EdgeConfig#feedTailMax() */
        public Builder feedTailMax(int feedTailMax) {
            this.feedTailMax = feedTailMax;
            return this;
        }

        /** @see EdgeConfig#headerTimeout() */
        public Builder headerTimeout(Duration headerTimeout) {
            this.headerTimeout = headerTimeout;
            return this;
        }

        /** @see EdgeConfig#maxRequestLine() */
        public Builder maxRequestLine(int maxRequestLine) {
            this.maxRequestLine = maxRequestLine;
            return this;
        }

        /** @see EdgeConfig#maxHeaderSize() */
        public Builder maxHeaderSize(int maxHeaderSize) {
            this.maxHeaderSize = maxHeaderSize;
            return this;
        }

        /** @see EdgeConfig#maxIngestBytes() */
        public Builder maxIngestBytes(int maxIngestBytes) {
            this.maxIngestBytes = maxIngestBytes;
            return this;
        }

        /** @see EdgeConfig#writeBufferHigh() */
        public Builder writeBufferHigh(int writeBufferHigh) {
            this.writeBufferHigh = writeBufferHigh;
            return this;
        }

        /** @see EdgeConfig#sendBuffer() */
        public Builder sendBuffer(int sendBuffer) {
            this.sendBuffer = sendBuffer;
            return this;
        }

        /** @see EdgeConfig#slowConsumerTimeout() */
        public Builder slowConsumerTimeout(Duration slowConsumerTimeout) {
            this.slowConsumerTimeout = slowConsumerTimeout;
            return this;
        }

        /** @see EdgeConfig#ringSize() */
        public Builder ringSize(int ringSize) {
            this.ringSize = ringSize;
            return this;
        }

        /** @see EdgeConfig#ioThreads() */
        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        /** @see EdgeConfig#reusePort() */
        public Builder reusePort(boolean reusePort) {
            this.reusePort = reusePort;
            return this;
        }

        /** @see EdgeConfig#demo() */
        public Builder demo(boolean demo) {
            this.demo = demo;
            return this;
        }

        /** @see EdgeConfig#redis() */
        public Builder redis(String redis) {
            this.redis = redis;
            return this;
        }

        /** @see EdgeConfig#redisPrefix() */
        public Builder redisPrefix(String redisPrefix) {
            this.redisPrefix = redisPrefix;
            return this;
        }

        /** @see EdgeConfig#redisShards() */
        public Builder redisShards(int redisShards) {
            this.redisShards = redisShards;
            return this;
        }

        /** @see EdgeConfig#redisFirehoseLength() */
        public Builder redisFirehoseLength(int redisFirehoseLength) {
            this.redisFirehoseLength = redisFirehoseLength;
            return this;
        }

        /** @see EdgeConfig#redisRunningTtl() */
        public Builder redisRunningTtl(Duration redisRunningTtl) {
            this.redisRunningTtl = redisRunningTtl;
            return this;
        }

        /** @see EdgeConfig#sessionStore() */
        public Builder sessionStore(String sessionStore) {
            this.sessionStore = sessionStore;
            return this;
        }

        /** @see EdgeConfig#sessionKeyPrefix() */
        public Builder sessionKeyPrefix(String sessionKeyPrefix) {
            this.sessionKeyPrefix = sessionKeyPrefix;
            return this;
        }

        /** @see EdgeConfig#authSecret() */
        public Builder authSecret(String authSecret) {
            this.authSecret = authSecret;
            return this;
        }

        /** @see EdgeConfig#authCookiePrefix() */
        public Builder authCookiePrefix(String authCookiePrefix) {
            this.authCookiePrefix = authCookiePrefix;
            return this;
        }

        /** @see EdgeConfig#membership() */
        public Builder membership(String membership) {
            this.membership = membership;
            return this;
        }

        /** @see EdgeConfig#membershipQuery() */
        public Builder membershipQuery(String membershipQuery) {
            this.membershipQuery = membershipQuery;
            return this;
        }

        /** @see EdgeConfig#membershipCache() */
        public Builder membershipCache(Duration membershipCache) {
            this.membershipCache = membershipCache;
            return this;
        }

        /** @see EdgeConfig#sessionRecheck() */
        public Builder sessionRecheck(Duration sessionRecheck) {
            this.sessionRecheck = sessionRecheck;
            return this;
        }

        /** @see EdgeConfig#maxStreamsPerKey() */
        public Builder maxStreamsPerKey(int maxStreamsPerKey) {
            this.maxStreamsPerKey = maxStreamsPerKey;
            return this;
        }

        /** @see EdgeConfig#maxStreamsPerUser() */
        public Builder maxStreamsPerUser(int maxStreamsPerUser) {
            this.maxStreamsPerUser = maxStreamsPerUser;
            return this;
        }

        /** @see EdgeConfig#maxStreamsPerAddress() */
        public Builder maxStreamsPerAddress(int maxStreamsPerAddress) {
            this.maxStreamsPerAddress = maxStreamsPerAddress;
            return this;
        }

        /** @see EdgeConfig#newStreamsPerAddress() */
        public Builder newStreamsPerAddress(int newStreamsPerAddress) {
            this.newStreamsPerAddress = newStreamsPerAddress;
            return this;
        }

        /** @see EdgeConfig#trustedProxies() */
        public Builder trustedProxies(List<String> trustedProxies) {
            this.trustedProxies = List.copyOf(trustedProxies);
            return this;
        }

        /** @see EdgeConfig#keyRecheck() */
        public Builder keyRecheck(Duration keyRecheck) {
            this.keyRecheck = keyRecheck;
            return this;
        }

        /** @see EdgeConfig#adminPort() */
        public Builder adminPort(int adminPort) {
            this.adminPort = adminPort;
            return this;
        }

        /** @see EdgeConfig#adminBind() */
        public Builder adminBind(String adminBind) {
            this.adminBind = adminBind;
            return this;
        }

        /** @see EdgeConfig#drainWindow() */
        public Builder drainWindow(Duration drainWindow) {
            this.drainWindow = drainWindow;
            return this;
        }

        /** @see EdgeConfig#maxConnections() */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /** @see EdgeConfig#accessLogSample() */
        public Builder accessLogSample(double accessLogSample) {
            this.accessLogSample = accessLogSample;
            return this;
        }

        /**
         * Validates every setting, merges the keys file and the demo's key and session.
         *
         * @throws IllegalArgumentException naming the flag of the first invalid setting
         */
        public EdgeConfig build() {
            range("--port", port, 0, 65_535);
            check(bind != null && !bind.isBlank(), "--bind must name an address");
            Map<String, String> keys = new LinkedHashMap<>(projectKeys);
            if (keysFile != null) {
                ProjectKeysFile.read(keysFile).forEach((key, project) -> addKey(keys, key, project, "--keys-file"));
            }
            Map<String, DevSession> sessions = new LinkedHashMap<>(devSessions);
            if (demo) {
                keys.putIfAbsent(DEMO_KEY, DEMO_PROJECT);
                Map<String, String> withDemo = new LinkedHashMap<>(projectKeys);
                withDemo.putIfAbsent(DEMO_KEY, DEMO_PROJECT);
                projectKeys = Map.copyOf(withDemo);
                sessions.putIfAbsent(DEMO_SESSION, new DevSession("demo-user", Set.of(DEMO_PROJECT)));
            }
            keys.forEach((key, project) -> {
                check(KEY.matcher(key).matches(), "--project-key key must be 8-128 characters of A-Z a-z 0-9 _ -, got \""
                        + key + "\"");
                check(ID.matcher(project).matches(), "--project-key project id must be 1-128 characters of "
                        + "A-Z a-z 0-9 . _ : ~ -, got \"" + project + "\"");
            });
            sessions.forEach((token, session) -> {
                check(!token.isEmpty(), "--dev-session token must not be empty");
                check(session.userId() != null && !session.userId().isEmpty(), "--dev-session user must not be empty");
                session.projectIds().forEach(project -> check(ID.matcher(project).matches(),
                        "--dev-session project id \"" + project + "\" is not a valid id"));
            });
            corsOrigins.forEach(origin -> check(ORIGIN.matcher(origin).matches(),
                    "--cors-origin must be scheme://host[:port] with no path, got \"" + origin + "\""));
            // Browsers send Origin in lower case and without a default port: anything else never matches.
            corsOrigins.forEach(origin -> check(origin.equals(origin.toLowerCase(java.util.Locale.ROOT))
                    && !origin.matches("https://.*:443|http://.*:80"),
                    "--cors-origin must be lower case without a default port, as browsers send it, got \""
                            + origin + "\""));
            check(ingestToken == null || ingestToken.length() >= 16, "--ingest-token must be at least 16 characters");
            positive("--ping-interval", pingInterval);
            positive("--max-stream-duration", maxStreamDuration);
            check(!retry.isNegative() && retry.compareTo(Duration.ofHours(1)) <= 0,
                    "--retry must be between 0 and 1h, got " + Durations.format(retry));
            range("--retention-count", retentionCount, 1, 1_000_000);
            positive("--retention-age", retentionAge);
            // Whole seconds: Redis keeps a key for EX seconds.
            check(idempotencyWindow != null && idempotencyWindow.compareTo(Duration.ofSeconds(1)) >= 0
                    && idempotencyWindow.compareTo(Duration.ofDays(30)) <= 0 && idempotencyWindow.toMillis() % 1000 == 0,
                    "--idempotency-window must be whole seconds between 1s and 720h, got "
                            + (idempotencyWindow == null ? "nothing" : Durations.format(idempotencyWindow)));
            range("--feed-tail-max", feedTailMax, 0, MAX_FEED_TAIL);
            positive("--header-timeout", headerTimeout);
            range("--max-request-line", maxRequestLine, 256, 65_536);
            range("--max-header-size", maxHeaderSize, 1024, 1024 * 1024);
            range("--max-ingest-bytes", maxIngestBytes, 1024, 64 * 1024 * 1024);
            range("--write-buffer-high", writeBufferHigh, 4 * 1024, 16 * 1024 * 1024);
            positive("--slow-consumer-timeout", slowConsumerTimeout);
            check(sendBuffer == 0 || sendBuffer >= 4 * 1024 && sendBuffer <= 64 * 1024 * 1024,
                    "--send-buffer must be 0 (the kernel's autotuning) or between 4k and 64m, got " + sendBuffer);
            range("--ring-size", ringSize, 1024, 16 * 1024 * 1024);
            check(Integer.bitCount(ringSize) == 1, "--ring-size must be a power of two, got " + ringSize);
            range("--io-threads", ioThreads, 0, 1024);
            range("--max-connections", maxConnections, 0, 100_000_000);
            check(redis == null || redis.startsWith("redis://") || redis.startsWith("rediss://"),
                    "--redis must be a redis:// or rediss:// URI, got \"" + redis + "\"");
            check(redisPrefix != null && redisPrefix.matches("[A-Za-z0-9_.-]{1,32}"),
                    "--redis-prefix must be 1-32 characters of A-Z a-z 0-9 _ . -, got \"" + redisPrefix + "\"");
            range("--redis-shards", redisShards, 1, 1024);
            range("--redis-firehose-length", redisFirehoseLength, 1000, 100_000_000);
            positive("--redis-running-ttl", redisRunningTtl);
            check(sessionStore == null || sessionStore.startsWith("redis://") || sessionStore.startsWith("rediss://")
                    || sessionStore.startsWith("jdbc:postgresql:"),
                    "--session-store must be redis://… or jdbc:postgresql://…, got \"" + sessionStore + "\"");
            check(sessionStore == null || membership != null, "--session-store needs --membership: who may read what");
            check(sessionStore == null || devSessions.isEmpty(), "--dev-session and --session-store exclude each other");
            check(membership == null || membership.startsWith("redis://") || membership.startsWith("rediss://")
                    || membership.startsWith("jdbc:postgresql:"),
                    "--membership must be jdbc:postgresql://… or redis://…, got \"" + membership + "\"");
            check(membershipQuery != null && membershipQuery.chars().filter(c -> c == '?').count() == 2,
                    "--membership-query must have two ? parameters: user id, then project id");
            check(authSecret == null || !authSecret.isEmpty(), "--auth-secret must not be empty");
            check(authCookiePrefix != null && !authCookiePrefix.isEmpty(), "--auth-cookie-prefix must not be empty");
            check(membershipCache != null && !membershipCache.isNegative(), "--membership-cache must not be negative");
            positive("--session-recheck", sessionRecheck);
            positive("--key-recheck", keyRecheck);
            range("--max-streams-per-key", maxStreamsPerKey, 0, 10_000_000);
            range("--max-streams-per-user", maxStreamsPerUser, 0, 10_000_000);
            range("--max-streams-per-address", maxStreamsPerAddress, 0, 10_000_000);
            range("--new-streams-per-address", newStreamsPerAddress, 0, 1_000_000);
            trustedProxies.forEach(proxy -> check(proxy.matches("[0-9a-fA-F.:]+(/[0-9]{1,3})?"),
                    "--trusted-proxy must be an IP address or CIDR range, got \"" + proxy + "\""));
            int admin = adminPort != null ? adminPort : port == 0 ? 0 : port + ADMIN_PORT_OFFSET;
            check(adminPort != null || admin <= 65_535, "--admin-port defaults to --port + " + ADMIN_PORT_OFFSET
                    + ", past 65535 for --port " + port + ": give --admin-port (-1: none)");
            range("--admin-port", admin, -1, 65_535);
            check(adminBind != null && !adminBind.isBlank(), "--admin-bind must name an address");
            check(drainWindow != null && !drainWindow.isNegative() && drainWindow.compareTo(Duration.ofHours(1)) <= 0,
                    "--drain-window must be between 0s and 1h, got " + (drainWindow == null ? "nothing"
                            : Durations.format(drainWindow)));
            check(accessLogSample >= 0 && accessLogSample <= 1,
                    "--access-log must be off, on or a fraction between 0 and 1, got " + accessLogSample);
            return new EdgeConfig(this, keys, sessions, admin);
        }

        private static void addKey(Map<String, String> keys, String key, String project, String source) {
            String before = keys.putIfAbsent(key, project);
            check(before == null || before.equals(project), source + " maps key " + key + " to " + project
                    + ", but it already maps to " + before);
        }

        private static void range(String flag, long value, long min, long max) {
            check(value >= min && value <= max, flag + " must be between " + min + " and " + max + ", got " + value);
        }

        private static void positive(String flag, Duration value) {
            check(value != null && !value.isNegative() && !value.isZero(),
                    flag + " must be positive, got " + (value == null ? "nothing" : Durations.format(value)));
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
