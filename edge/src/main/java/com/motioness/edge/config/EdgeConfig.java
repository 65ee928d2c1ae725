package com.motioness.edge.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every setting of one edge, by concern, each immutable and validated when built: an invalid value
 * fails at start with a message that names its flag, never later on a request. Each concern
 * declares its settings ({@link Setting}) beside the values they produce; {@link #SETTINGS} lists
 * them all, from which the command line, its environment variables, its file keys and its help are
 * derived ({@link EdgeCommandLine}).
 */
public final class EdgeConfig {
    /** Every setting, by concern, in the order of {@code --help}. */
    public static final List<Setting<?>> SETTINGS = Stream.of(
                    HttpSettings.SETTINGS,
                    TlsSettings.SETTINGS,
                    StreamingSettings.SETTINGS,
                    LogSettings.SETTINGS,
                    AuthSettings.SETTINGS,
                    LimitSettings.SETTINGS,
                    OpsSettings.SETTINGS,
                    WebhookSettings.SETTINGS)
            .flatMap(List::stream)
            .toList();

    private final HttpSettings http;
    private final TlsSettings tls;
    private final StreamingSettings streaming;
    private final LogSettings log;
    private final AuthSettings auth;
    private final LimitSettings limits;
    private final OpsSettings ops;
    private final WebhookSettings webhooks;

    private EdgeConfig(
            HttpSettings http,
            TlsSettings tls,
            StreamingSettings streaming,
            LogSettings log,
            AuthSettings auth,
            LimitSettings limits,
            OpsSettings ops,
            WebhookSettings webhooks) {
        this.http = http;
        this.tls = tls;
        this.streaming = streaming;
        this.log = log;
        this.auth = auth;
        this.limits = limits;
        this.ops = ops;
        this.webhooks = webhooks;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The listening socket and its requests. */
    public HttpSettings http() {
        return http;
    }

    /** TLS on the public port, and the cleartext listener beside it. */
    public TlsSettings tls() {
        return tls;
    }

    /** How open streams behave. */
    public StreamingSettings streaming() {
        return streaming;
    }

    /** The event log and its ring. */
    public LogSettings log() {
        return log;
    }

    /** Keys, tokens, sessions and membership. */
    public AuthSettings auth() {
        return auth;
    }

    /** Connections and streams per client, user and key. */
    public LimitSettings limits() {
        return limits;
    }

    /** The admin port, the drain, the access log and the demo. */
    public OpsSettings ops() {
        return ops;
    }

    /** The webhook dispatcher. */
    public WebhookSettings webhooks() {
        return webhooks;
    }

    /**
     * Collects settings, any left out at its default; {@link #build()} validates them and may be
     * called again: it changes nothing here.
     */
    public static final class Builder {
        // A HashMap: a setting given as null (none) differs from one never given.
        private final Map<Setting<?>, Object> given = new HashMap<>();

        private Builder() {}

        /** Gives a setting its value; null is none (for settings that may have none). */
        public <T> Builder set(Setting<T> setting, T value) {
            given.put(setting, value);
            return this;
        }

        /** @see HttpSettings#PORT */
        public Builder port(int port) {
            return set(HttpSettings.PORT, port);
        }

        /** @see HttpSettings#BIND */
        public Builder bind(String bind) {
            return set(HttpSettings.BIND, bind);
        }

        /** @see HttpSettings#CORS_ORIGINS */
        public Builder corsOrigins(Set<String> corsOrigins) {
            return set(HttpSettings.CORS_ORIGINS, corsOrigins);
        }

        /** @see HttpSettings#HEADER_TIMEOUT */
        public Builder headerTimeout(Duration headerTimeout) {
            return set(HttpSettings.HEADER_TIMEOUT, headerTimeout);
        }

        /** @see HttpSettings#MAX_REQUEST_LINE */
        public Builder maxRequestLine(int maxRequestLine) {
            return set(HttpSettings.MAX_REQUEST_LINE, maxRequestLine);
        }

        /** @see HttpSettings#MAX_HEADER_SIZE */
        public Builder maxHeaderSize(int maxHeaderSize) {
            return set(HttpSettings.MAX_HEADER_SIZE, maxHeaderSize);
        }

        /** @see HttpSettings#MAX_INGEST_BYTES */
        public Builder maxIngestBytes(int maxIngestBytes) {
            return set(HttpSettings.MAX_INGEST_BYTES, maxIngestBytes);
        }

        /** @see HttpSettings#SEND_BUFFER */
        public Builder sendBuffer(int sendBuffer) {
            return set(HttpSettings.SEND_BUFFER, sendBuffer);
        }

        /** @see HttpSettings#IO_THREADS */
        public Builder ioThreads(int ioThreads) {
            return set(HttpSettings.IO_THREADS, ioThreads);
        }

        /** @see HttpSettings#H2_MAX_STREAMS */
        public Builder h2MaxStreams(int h2MaxStreams) {
            return set(HttpSettings.H2_MAX_STREAMS, h2MaxStreams);
        }

        /** @see HttpSettings#INGEST_PORT */
        public Builder ingestPort(Integer ingestPort) {
            return set(HttpSettings.INGEST_PORT, ingestPort);
        }

        /** @see HttpSettings#REUSE_PORT */
        public Builder reusePort(boolean reusePort) {
            return set(HttpSettings.REUSE_PORT, reusePort);
        }

        /** @see TlsSettings#CERT */
        public Builder tlsCert(Path tlsCert) {
            return set(TlsSettings.CERT, tlsCert);
        }

        /** @see TlsSettings#KEY */
        public Builder tlsKey(Path tlsKey) {
            return set(TlsSettings.KEY, tlsKey);
        }

        /** @see TlsSettings#PROVIDER */
        public Builder tlsProvider(TlsSettings.Provider tlsProvider) {
            return set(TlsSettings.PROVIDER, tlsProvider);
        }

        /** @see TlsSettings#RELOAD_CHECK */
        public Builder tlsReloadCheck(Duration tlsReloadCheck) {
            return set(TlsSettings.RELOAD_CHECK, tlsReloadCheck);
        }

        /** @see TlsSettings#CLEARTEXT_PORT */
        public Builder cleartextPort(Integer cleartextPort) {
            return set(TlsSettings.CLEARTEXT_PORT, cleartextPort);
        }

        /** @see StreamingSettings#PING_INTERVAL */
        public Builder pingInterval(Duration pingInterval) {
            return set(StreamingSettings.PING_INTERVAL, pingInterval);
        }

        /** @see StreamingSettings#MAX_STREAM_DURATION */
        public Builder maxStreamDuration(Duration maxStreamDuration) {
            return set(StreamingSettings.MAX_STREAM_DURATION, maxStreamDuration);
        }

        /** @see StreamingSettings#RETRY */
        public Builder retry(Duration retry) {
            return set(StreamingSettings.RETRY, retry);
        }

        /** @see StreamingSettings#SLOW_CONSUMER_TIMEOUT */
        public Builder slowConsumerTimeout(Duration slowConsumerTimeout) {
            return set(StreamingSettings.SLOW_CONSUMER_TIMEOUT, slowConsumerTimeout);
        }

        /** @see StreamingSettings#WRITE_BUFFER_HIGH */
        public Builder writeBufferHigh(int writeBufferHigh) {
            return set(StreamingSettings.WRITE_BUFFER_HIGH, writeBufferHigh);
        }

        /** @see StreamingSettings#FEED_TAIL_MAX */
        public Builder feedTailMax(int feedTailMax) {
            return set(StreamingSettings.FEED_TAIL_MAX, feedTailMax);
        }

        /** @see StreamingSettings#DELIVERY_SLICE */
        public Builder deliverySlice(Duration deliverySlice) {
            return set(StreamingSettings.DELIVERY_SLICE, deliverySlice);
        }

        /** @see LogSettings#RING_SIZE */
        public Builder ringSize(int ringSize) {
            return set(LogSettings.RING_SIZE, ringSize);
        }

        /** @see LogSettings#RETENTION_COUNT */
        public Builder retentionCount(int retentionCount) {
            return set(LogSettings.RETENTION_COUNT, retentionCount);
        }

        /** @see LogSettings#RETENTION_AGE */
        public Builder retentionAge(Duration retentionAge) {
            return set(LogSettings.RETENTION_AGE, retentionAge);
        }

        /** @see LogSettings#IDEMPOTENCY_WINDOW */
        public Builder idempotencyWindow(Duration idempotencyWindow) {
            return set(LogSettings.IDEMPOTENCY_WINDOW, idempotencyWindow);
        }

        /** @see LogSettings#REDIS */
        public Builder redis(String redis) {
            return set(LogSettings.REDIS, redis);
        }

        /** @see LogSettings#REDIS_PREFIX */
        public Builder redisPrefix(String redisPrefix) {
            return set(LogSettings.REDIS_PREFIX, redisPrefix);
        }

        /** @see LogSettings#REDIS_SHARDS */
        public Builder redisShards(int redisShards) {
            return set(LogSettings.REDIS_SHARDS, redisShards);
        }

        /** @see LogSettings#REDIS_FIREHOSE_LENGTH */
        public Builder redisFirehoseLength(int redisFirehoseLength) {
            return set(LogSettings.REDIS_FIREHOSE_LENGTH, redisFirehoseLength);
        }

        /** @see LogSettings#REDIS_RUNNING_TTL */
        public Builder redisRunningTtl(Duration redisRunningTtl) {
            return set(LogSettings.REDIS_RUNNING_TTL, redisRunningTtl);
        }

        /** @see AuthSettings#INGEST_TOKEN */
        public Builder ingestToken(String ingestToken) {
            return set(AuthSettings.INGEST_TOKEN, ingestToken);
        }

        /** @see AuthSettings#PROJECT_KEYS */
        public Builder projectKeys(Map<String, String> projectKeys) {
            return set(AuthSettings.PROJECT_KEYS, projectKeys);
        }

        /** @see AuthSettings#KEYS_FILE */
        public Builder keysFile(Path keysFile) {
            return set(AuthSettings.KEYS_FILE, keysFile);
        }

        /** @see AuthSettings#KEY_RECHECK */
        public Builder keyRecheck(Duration keyRecheck) {
            return set(AuthSettings.KEY_RECHECK, keyRecheck);
        }

        /** @see AuthSettings#DEV_SESSIONS */
        public Builder devSessions(Map<String, AuthSettings.DevSession> devSessions) {
            return set(AuthSettings.DEV_SESSIONS, devSessions);
        }

        /** @see AuthSettings#SESSION_STORE */
        public Builder sessionStore(String sessionStore) {
            return set(AuthSettings.SESSION_STORE, sessionStore);
        }

        /** @see AuthSettings#SESSION_KEY_PREFIX */
        public Builder sessionKeyPrefix(String sessionKeyPrefix) {
            return set(AuthSettings.SESSION_KEY_PREFIX, sessionKeyPrefix);
        }

        /** @see AuthSettings#AUTH_SECRET */
        public Builder authSecret(String authSecret) {
            return set(AuthSettings.AUTH_SECRET, authSecret);
        }

        /** @see AuthSettings#AUTH_COOKIE_PREFIX */
        public Builder authCookiePrefix(String authCookiePrefix) {
            return set(AuthSettings.AUTH_COOKIE_PREFIX, authCookiePrefix);
        }

        /** @see AuthSettings#MEMBERSHIP */
        public Builder membership(String membership) {
            return set(AuthSettings.MEMBERSHIP, membership);
        }

        /** @see AuthSettings#MEMBERSHIP_QUERY */
        public Builder membershipQuery(String membershipQuery) {
            return set(AuthSettings.MEMBERSHIP_QUERY, membershipQuery);
        }

        /** @see AuthSettings#MEMBERSHIP_CACHE */
        public Builder membershipCache(Duration membershipCache) {
            return set(AuthSettings.MEMBERSHIP_CACHE, membershipCache);
        }

        /** @see AuthSettings#SESSION_RECHECK */
        public Builder sessionRecheck(Duration sessionRecheck) {
            return set(AuthSettings.SESSION_RECHECK, sessionRecheck);
        }

        /** @see LimitSettings#MAX_CONNECTIONS */
        public Builder maxConnections(int maxConnections) {
            return set(LimitSettings.MAX_CONNECTIONS, maxConnections);
        }

        /** @see LimitSettings#MAX_STREAMS_PER_KEY */
        public Builder maxStreamsPerKey(int maxStreamsPerKey) {
            return set(LimitSettings.MAX_STREAMS_PER_KEY, maxStreamsPerKey);
        }

        /** @see LimitSettings#MAX_STREAMS_PER_USER */
        public Builder maxStreamsPerUser(int maxStreamsPerUser) {
            return set(LimitSettings.MAX_STREAMS_PER_USER, maxStreamsPerUser);
        }

        /** @see LimitSettings#MAX_STREAMS_PER_ADDRESS */
        public Builder maxStreamsPerAddress(int maxStreamsPerAddress) {
            return set(LimitSettings.MAX_STREAMS_PER_ADDRESS, maxStreamsPerAddress);
        }

        /** @see LimitSettings#NEW_STREAMS_PER_ADDRESS */
        public Builder newStreamsPerAddress(int newStreamsPerAddress) {
            return set(LimitSettings.NEW_STREAMS_PER_ADDRESS, newStreamsPerAddress);
        }

        /** @see LimitSettings#TRUSTED_PROXIES */
        public Builder trustedProxies(List<String> trustedProxies) {
            return set(LimitSettings.TRUSTED_PROXIES, trustedProxies);
        }

        /** @see OpsSettings#ADMIN_PORT */
        public Builder adminPort(int adminPort) {
            return set(OpsSettings.ADMIN_PORT, adminPort);
        }

        /** @see OpsSettings#ADMIN_BIND */
        public Builder adminBind(String adminBind) {
            return set(OpsSettings.ADMIN_BIND, adminBind);
        }

        /** @see OpsSettings#DRAIN_WINDOW */
        public Builder drainWindow(Duration drainWindow) {
            return set(OpsSettings.DRAIN_WINDOW, drainWindow);
        }

        /** @see OpsSettings#ACCESS_LOG */
        public Builder accessLogSample(double accessLogSample) {
            return set(OpsSettings.ACCESS_LOG, accessLogSample);
        }

        /** @see WebhookSettings#WEBHOOKS */
        public Builder webhooks(boolean on) {
            return set(WebhookSettings.WEBHOOKS, on);
        }

        /** @see OpsSettings#DEMO */
        public Builder demo(boolean demo) {
            return set(OpsSettings.DEMO, demo);
        }
        /**
         * Validates every setting, merges the keys file and the demo's key and session.
         *
         * @throws IllegalArgumentException naming the flag of the first invalid setting
         */
        public EdgeConfig build() {
            SettingValues values = new SettingValues(given);
            HttpSettings http = HttpSettings.from(values);
            TlsSettings tls = TlsSettings.from(values, http.port());
            StreamingSettings streaming = StreamingSettings.from(values);
            LogSettings log = LogSettings.from(values);
            boolean demo = values.get(OpsSettings.DEMO);
            AuthSettings auth = AuthSettings.from(values, demo);
            LimitSettings limits = LimitSettings.from(values);
            OpsSettings ops = OpsSettings.from(values, http.port());
            WebhookSettings webhooks = WebhookSettings.from(values, demo);
            return new EdgeConfig(http, tls, streaming, log, auth, limits, ops, webhooks);
        }
    }
}
