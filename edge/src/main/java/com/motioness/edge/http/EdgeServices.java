package com.motioness.edge.http;

import com.motioness.edge.auth.ProjectKeys;
import com.motioness.edge.auth.SessionAuthenticator;
import com.motioness.edge.fanout.LoopFanout;
import com.motioness.edge.limits.StreamLimits;
import com.motioness.edge.log.EventLog;
import com.motioness.edge.metrics.RequestCounters;
import com.motioness.edge.webhook.store.WebhookEndpoints;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** What the request handlers of one server share; immutable once the server starts. */
public final class EdgeServices {
    /** Project keys whose access is remembered at once (a few hundred bytes each). */
    private static final int MAX_SHARED_KEY_ACCESSES = 10_000;

    final ProjectKeys projectKeys;
    final SessionAuthenticator sessions;
    final EventLog log;
    final CorsPolicy cookieCors;
    final byte[] ingestToken;
    final int maxIngestBytes;
    final long retryMillis;
    final long requestTimeoutNanos;
    /** The request timeout of HTTP/1 connections, kept per I/O loop. */
    final RequestTimeouts requestTimeouts;

    final Duration sessionRecheck;
    /** The streams opened with one project key share its access (rechecked every {@code --key-recheck}). */
    final KeyAccesses keyAccesses;

    final StreamLimits limits;
    final RequestCounters counters;

    final AccessLog accessLog;
    final DashboardFiles dashboard;
    /** The most events {@code ?tail=} replays on the activity feed ({@code --feed-tail-max}). */
    final int feedTailMax;
    /** The webhook endpoint registry, or null when webhooks are off in this process. */
    final WebhookEndpoints webhooks;

    /** Concurrent streams per HTTP/2 connection ({@code --h2-max-streams}); 0: HTTP/2 is off. */
    final int h2MaxStreams;
    /** The largest header block of a request, on HTTP/1 and HTTP/2 alike ({@code --max-header-size}). */
    final int maxHeaderSize;

    final IngestGate ingestGate = new IngestGate();
    /** The open HTTP/2 connections: each gets a GOAWAY when the node drains. */
    final Http2Connections http2Connections = new Http2Connections();
    /** Set once when the node starts draining; read by each new stream request. */
    private volatile boolean draining;

    private final Map<EventLoop, LoopFanout> fanoutByLoop = new IdentityHashMap<>();

    private EdgeServices(Builder b) {
        this.projectKeys = Objects.requireNonNull(b.projectKeys, "projectKeys");
        this.sessions = Objects.requireNonNull(b.sessions, "sessions");
        this.log = Objects.requireNonNull(b.log, "log");
        this.cookieCors = CorsPolicy.credentialed(b.corsOrigins);
        this.ingestToken = b.ingestToken == null ? null : b.ingestToken.getBytes(StandardCharsets.UTF_8);
        this.maxIngestBytes = b.maxIngestBytes;
        this.retryMillis = Objects.requireNonNull(b.retry, "retry").toMillis();
        this.requestTimeoutNanos =
                Objects.requireNonNull(b.requestTimeout, "requestTimeout").toNanos();
        this.sessionRecheck = Objects.requireNonNull(b.sessionRecheck, "sessionRecheck");
        this.keyAccesses = new KeyAccesses(
                projectKeys, Objects.requireNonNull(b.keyRecheck, "keyRecheck"), MAX_SHARED_KEY_ACCESSES);
        this.limits = b.limits;
        this.counters = b.counters;
        this.accessLog = new AccessLog(b.accessLogSample);
        this.dashboard = DashboardFiles.load(b.dashboardCookie);
        this.feedTailMax = b.feedTailMax;
        this.webhooks = b.webhooks;
        this.h2MaxStreams = b.h2MaxStreams;
        this.maxHeaderSize = b.maxHeaderSize;
        for (LoopFanout fanout : Objects.requireNonNull(b.fanouts, "fanouts")) {
            fanoutByLoop.put(fanout.loop(), fanout);
        }
        this.requestTimeouts = new RequestTimeouts(requestTimeoutNanos, fanoutByLoop.keySet());
    }

    /**
     * Starts the services of a server. Required: the project keys, the sessions, the log, the
     * loops' fan-outs, the retry advice, the request timeout and both rechecks; the rest has
     * defaults: no CORS origins, ingest disabled, no stream limits, unregistered counters, no access
     * log, no dashboard cookie, no feed tails, no webhooks.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects what the request handlers share; {@link #build()} checks that the required parts are there. */
    public static final class Builder {
        private ProjectKeys projectKeys;
        private SessionAuthenticator sessions;
        private EventLog log;
        private List<LoopFanout> fanouts;
        private Set<String> corsOrigins = Set.of();
        private String ingestToken;
        private int maxIngestBytes;
        private Duration retry;
        private Duration requestTimeout;
        private Duration sessionRecheck;
        private Duration keyRecheck;
        private StreamLimits limits = StreamLimits.none();
        private RequestCounters counters = RequestCounters.unregistered();
        private double accessLogSample;
        private String dashboardCookie;
        private int feedTailMax;
        private WebhookEndpoints webhooks;
        private int h2MaxStreams = 100;
        private int maxHeaderSize = 8192;

        private Builder() {}

        /** How the public route's project keys are resolved, and how a session cookie is. */
        public Builder auth(ProjectKeys projectKeys, SessionAuthenticator sessions) {
            this.projectKeys = projectKeys;
            this.sessions = sessions;
            return this;
        }

        /** The event log, and the fan-out of each I/O loop (each stream joins its loop's). */
        public Builder log(EventLog log, List<LoopFanout> fanouts) {
            this.log = log;
            this.fanouts = List.copyOf(fanouts);
            return this;
        }

        /** Origins allowed to call the session-cookie routes with credentials. */
        public Builder corsOrigins(Set<String> corsOrigins) {
            this.corsOrigins = Set.copyOf(corsOrigins);
            return this;
        }

        /**
         * @param token bearer token of {@code POST /internal/events}, or null to disable ingest
         * @param maxBytes the largest ingest body accepted; larger ones get 413
         */
        public Builder ingest(String token, int maxBytes) {
            this.ingestToken = token;
            this.maxIngestBytes = maxBytes;
            return this;
        }

        /** The reconnection delay advised to clients in {@code retry:}. */
        public Builder retry(Duration retry) {
            this.retry = retry;
            return this;
        }

        /** How long a client may take to send a complete request (then 408). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * @param session how often an open session stream asks whether its session still lives
         * @param key how often an open public stream asks whether its project key is still enabled
         */
        public Builder recheck(Duration session, Duration key) {
            this.sessionRecheck = session;
            this.keyRecheck = key;
            return this;
        }

        /** Open and new streams per key, user and client address. */
        public Builder limits(StreamLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /** The counters of request outcomes (auth failures, limit rejections). */
        public Builder counters(RequestCounters counters) {
            this.counters = Objects.requireNonNull(counters);
            return this;
        }

        /** The fraction of closed streams written to the access log (0: none). */
        public Builder accessLogSample(double accessLogSample) {
            this.accessLogSample = accessLogSample;
            return this;
        }

        /**
         * {@code name=value} of a development session the dashboard page sets (only the demo's,
         * in {@code --demo} mode), or null for none.
         */
        public Builder dashboardCookie(String dashboardCookie) {
            this.dashboardCookie = dashboardCookie;
            return this;
        }

        /** The most events the activity feed replays for {@code ?tail=N}; 0: none. */
        public Builder feedTailMax(int feedTailMax) {
            this.feedTailMax = feedTailMax;
            return this;
        }

        /**
         * The webhook endpoint registry behind {@code /internal/projects/{id}/webhooks}; without
         * one (the default) those routes answer 404 {@code webhooks_disabled}.
         */
        public Builder webhooks(WebhookEndpoints webhooks) {
            this.webhooks = webhooks;
            return this;
        }

        /**
         * @param maxStreams concurrent streams one HTTP/2 connection may open; 0 turns HTTP/2 off
         * @param maxHeaderSize the largest header block of a request (HTTP/2: its header list)
         */
        public Builder http2(int maxStreams, int maxHeaderSize) {
            this.h2MaxStreams = maxStreams;
            this.maxHeaderSize = maxHeaderSize;
            return this;
        }

        public EdgeServices build() {
            return new EdgeServices(this);
        }
    }

    /** From now on new streams are refused (503, Retry-After): the node is draining. */
    public void startDraining() {
        draining = true;
        http2Connections.goAway();
    }

    boolean draining() {
        return draining;
    }

    /**
     * From now on ingest issues no append: a request whose turn comes is answered 503
     * {@code draining} with Retry-After, and nothing of it is stored.
     *
     * @return completes when every append issued before has been answered
     */
    public CompletableFuture<Void> refuseIngest() {
        return ingestGate.close();
    }

    /** Ingest appends issued to the event log and not yet answered. */
    public int appendsInFlight() {
        return ingestGate.inFlight();
    }

    /**
     * Ends every connection that sent ingest requests: the answers written to it are flushed, a
     * request whose body is still arriving is answered 503 {@code draining}, then the connection
     * closes. Call after {@link #refuseIngest()} completed.
     *
     * @return completes when all of them are closed
     */
    public CompletableFuture<Void> closeIngestConnections() {
        return ingestGate.closeConnections();
    }

    /** Closes the ingest connections still open at once (their clients did not take their last answers). */
    public void abortIngestConnections() {
        ingestGate.abortConnections();
    }

    LoopFanout fanoutFor(EventLoop loop) {
        LoopFanout fanout = fanoutByLoop.get(loop);
        if (fanout == null) {
            throw new IllegalStateException("no fan-out for event loop " + loop);
        }
        return fanout;
    }
}
