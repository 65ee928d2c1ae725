package com.motioness.edge.http;

import com.motioness.edge.auth.ProjectKeys;
import com.motioness.edge.auth.SessionAuthenticator;
import com.motioness.edge.fanout.LoopFanout;
import com.motioness.edge.limits.StreamLimits;
import com.motioness.edge.log.EventLog;
import com.motioness.edge.metrics.RequestCounters;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** What the request handlers of one server share; immutable once the server starts. */
public final class EdgeServices {
    final ProjectKeys projectKeys;
    final SessionAuthenticator sessions;
    final EventLog log;
    final CorsPolicy cookieCors;
    final byte[] ingestToken;
    final int maxIngestBytes;
    final long retryMillis;
    final long requestTimeoutNanos;
    final Duration sessionRecheck;
    final Duration keyRecheck;
    final StreamLimits limits;
    final RequestCounters counters;
    final AccessLog accessLog;
    final DashboardFiles dashboard;
    /** The most events {@code ?tail=} replays on the activity feed ({@code --feed-tail-max}). */
    final int feedTailMax;
    final IngestGate ingestGate = new IngestGate();
    /** Set once when the node starts draining; read by each new stream request. */
    private volatile boolean draining;
    private final Map<EventLoop, LoopFanout> fanoutByLoop = new IdentityHashMap<>();

    /**
     * @param corsOrigins origins allowed to call the session-cookie routes with credentials
     * @param ingestToken bearer token of {@code POST /internal/events}, or null to disable ingest
     * @param retry the reconnection delay advised to clients in {@code retry:}
     * @param requestTimeout how long a client may take to send a complete request
     * @param sessionRecheck how often an open session stream asks whether its session still lives
     * @param keyRecheck how often an open public stream asks whether its project key is still enabled
     * @param limits open and new streams per key, user and client address
     */
    public EdgeServices(ProjectKeys projectKeys, SessionAuthenticator sessions, EventLog log,
            List<LoopFanout> fanouts, Set<String> corsOrigins, String ingestToken, int maxIngestBytes,
            Duration retry, Duration requestTimeout, Duration sessionRecheck, Duration keyRecheck, StreamLimits limits) {
        this(projectKeys, sessions, log, fanouts, corsOrigins, ingestToken, maxIngestBytes, retry, requestTimeout,
                sessionRecheck, keyRecheck, limits, RequestCounters.unregistered(), 0, null, 0);
    }

    /**
     * As above, with the counters of request outcomes, the access log and the feed's tails (the
     * constructor above has neither the access log nor tails).
     *
     * @param accessLogSample the fraction of closed streams written to the access log (0: none)
     * @param dashboardCookie {@code name=value} of a development session the dashboard page sets
     *     (only the demo's, in {@code --demo} mode), or null for none
     * @param feedTailMax the most events the activity feed replays for {@code ?tail=N}; 0: none
     */
    public EdgeServices(ProjectKeys projectKeys, SessionAuthenticator sessions, EventLog log,
            List<LoopFanout> fanouts, Set<String> corsOrigins, String ingestToken, int maxIngestBytes,
            Duration retry, Duration requestTimeout, Duration sessionRecheck, Duration keyRecheck, StreamLimits limits,
            RequestCounters counters, double accessLogSample, String dashboardCookie, int feedTailMax) {
        this.counters = counters;
        this.accessLog = new AccessLog(accessLogSample);
        this.projectKeys = projectKeys;
        this.sessions = sessions;
        this.log = log;
        this.cookieCors = CorsPolicy.credentialed(Set.copyOf(corsOrigins));
        this.ingestToken = ingestToken == null ? null : ingestToken.getBytes(StandardCharsets.UTF_8);
        this.maxIngestBytes = maxIngestBytes;
        this.retryMillis = retry.toMillis();
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.sessionRecheck = sessionRecheck;
        this.keyRecheck = keyRecheck;
        this.limits = limits;
        this.dashboard = DashboardFiles.load(dashboardCookie);
        this.feedTailMax = feedTailMax;
        for (LoopFanout fanout : fanouts) {
            fanoutByLoop.put(fanout.loop(), fanout);
        }
    }

    /** From now on new streams are refused (503, Retry-After): the node is draining. */
    public void startDraining() {
        draining = true;
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
