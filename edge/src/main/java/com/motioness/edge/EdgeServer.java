package com.motioness.edge;

import com.motioness.edge.admin.AdminPort;
import com.motioness.edge.admin.AdminServer;
import com.motioness.edge.auth.EdgeAuth;
import com.motioness.edge.config.EdgeConfig;
import com.motioness.edge.fanout.EndReason;
import com.motioness.edge.fanout.FanoutDispatcher;
import com.motioness.edge.fanout.LoopFanout;
import com.motioness.edge.fanout.StreamSettings;
import com.motioness.edge.http.EdgeChannelInitializer;
import com.motioness.edge.http.EdgeServices;
import com.motioness.edge.http.IngestChannelInitializer;
import com.motioness.edge.limits.ConnectionLimit;
import com.motioness.edge.limits.StreamLimits;
import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.backend.LogBackend;
import com.motioness.edge.log.redis.RedisEventLog;
import com.motioness.edge.metrics.EdgeMetrics;
import com.motioness.edge.tls.ServerTls;
import com.motioness.edge.transport.Listener;
import com.motioness.edge.transport.Transport;
import com.motioness.edge.webhook.store.WebhookEndpoints;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running edge, its lifecycle: {@link #start} brings up the transport's event loops and their
 * fan-outs, the ring and the event log ({@link LogBackend}), authentication ({@link EdgeAuth}), the
 * listening socket ({@link Transport}, with TLS from {@link ServerTls} when configured, and the cleartext
 * listener beside it) and the admin port ({@link AdminPort}), in the order each
 * needs the one before; {@link #drain} and {@link #close()} undo it in reverse, ending every open
 * stream cleanly so clients resume from their cursors.
 */
public final class EdgeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);
    /**
     * How long {@link #close()} waits for ingest appends already issued. An append ends within the
     * log's command timeout (2 s on Redis), or twice that when Redis lost the function library and
     * it is loaded again first; the rest is margin for the answer's hop to its loop.
     */
    private static final Duration APPENDS_WAIT = Duration.ofSeconds(5);
    /**
     * How long {@link #close()} lets producer connections read their last answers and close their
     * side before they are closed regardless.
     */
    private static final Duration INGEST_LINGER = Duration.ofSeconds(1);

    private final EdgeConfig config;
    private final Transport transport;
    private final List<LoopFanout> fanouts = new ArrayList<>();
    private final FanoutDispatcher dispatcher;
    private final LogBackend backend;
    private final EdgeAuth auth;
    private final Listener listener;
    /** The cleartext listener beside a TLS public port ({@code --cleartext-port}), else null. */
    private final Listener cleartextListener;
    /** The ingest listener on a loop of its own ({@code --ingest-port}), else null. */
    private final Listener ingestListener;
    /** TLS of the public port ({@code --tls-cert}), else null. */
    private final ServerTls tls;

    private final EdgeMetrics metrics;
    private final AdminServer admin;
    private final EdgeServices services;
    /** The webhook dispatcher and its registry ({@code --webhooks}), else null; set once, after the log. */
    private volatile EdgeWebhooks webhooks;

    private volatile CompletableFuture<Void> drained;

    private EdgeServer(EdgeConfig config, UnaryOperator<EdgeServices.Builder> moreServices)
            throws InterruptedException {
        this.config = config;
        transport = Transport.start(config.http());
        // Pooled, explicitly: a retained duplicate of a pooled buffer is a recycled object, which
        // is what keeps a delivery free of allocation.
        ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

        StreamSettings settings = new StreamSettings(
                alloc,
                config.streaming().pingInterval(),
                config.streaming().maxStreamDuration(),
                config.streaming().slowConsumerTimeout(),
                config.streaming().writeBufferHigh(),
                config.streaming().deliverySlice());
        for (EventLoop loop : transport.loops()) {
            fanouts.add(new LoopFanout(loop, settings));
        }
        dispatcher = new FanoutDispatcher(alloc, fanouts);
        LogBackend startedLog = null;
        EdgeAuth openedAuth = null;
        Listener listening = null;
        Listener cleartext = null;
        Listener ingest = null;
        ServerTls startedTls = null;
        AdminServer startedAdmin = null;
        try {
            // On the embedded log the webhook dispatcher takes each event from the ring's consumer,
            // before the fan-out clears its slot; it starts after the log, and no endpoint can
            // exist before it does, so the events it misses meanwhile are none it would deliver.
            startedLog = LogBackend.start(config.log(), (slot, sequence, endOfBatch) -> {
                EdgeWebhooks hooks = webhooks;
                if (hooks != null && hooks.takesFromRing()) {
                    hooks.take(slot);
                }
                dispatcher.onEvent(slot, sequence, endOfBatch);
            });
            backend = startedLog;
            RedisEventLog redisLog = backend.redisLog();
            metrics = new EdgeMetrics(
                    fanouts,
                    dispatcher,
                    backend.ring()::occupancy,
                    backend.ring().capacity(),
                    redisLog != null ? redisLog::readerLagMillis : null,
                    this::isDraining);
            ConnectionLimit connections = ConnectionLimit.of(config.limits().maxConnections());
            metrics.connections(connections);
            metrics.historyLost(redisLog != null ? redisLog::historyLosses : () -> 0);
            metrics.undecodable(redisLog != null ? redisLog::undecodableEntries : () -> 0);

            openedAuth = EdgeAuth.open(config.auth(), config.log(), config.ops().demo());
            auth = openedAuth;
            EventLog log = backend.log();
            if (config.webhooks().enabled()) {
                webhooks = EdgeWebhooks.start(config.webhooks(), config.log(), log, metrics.registry());
            }
            EdgeWebhooks hooks = webhooks;
            services = moreServices
                    .apply(EdgeServices.builder()
                            .auth(auth.keys(), auth.sessions())
                            .log(log, fanouts)
                            .corsOrigins(config.http().corsOrigins())
                            .ingest(config.auth().ingestToken(), config.http().maxIngestBytes())
                            .retry(config.streaming().retry())
                            .requestTimeout(config.http().headerTimeout())
                            .recheck(
                                    config.auth().sessionRecheck(),
                                    config.auth().keyRecheck())
                            .limits(new StreamLimits(
                                    config.limits().maxStreamsPerKey(),
                                    config.limits().maxStreamsPerUser(),
                                    config.limits().maxStreamsPerAddress(),
                                    config.limits().newStreamsPerAddress(),
                                    config.limits().trustedProxies()))
                            .counters(metrics.requests())
                            .accessLogSample(config.ops().accessLogSample())
                            .dashboardCookie(auth.demoDashboardCookie())
                            .http2(config.http().h2MaxStreams(), config.http().maxHeaderSize())
                            .feedTailMax(config.streaming().feedTailMax())
                            .webhooks(hooks == null ? null : hooks.registry()))
                    .build();

            // A certificate that cannot be used stops the start before anything listens.
            startedTls = config.tls().enabled()
                    ? ServerTls.start(
                            config.tls(), metrics.registry(), config.http().http2())
                    : null;
            tls = startedTls;

            // The public port is bound but accepts nothing until the admin port is bound too: an
            // edge that cannot have both serves no client, not even for a moment.
            listening = transport.listen(
                    config.http(),
                    config.streaming().writeBufferHigh(),
                    alloc,
                    initializer(services, connections, tls));
            listener = listening;
            Integer cleartextPort = config.tls().cleartextPort();
            if (cleartextPort != null) {
                // The same routes, limits and connection count as the TLS port, without TLS.
                cleartext = transport.listen(
                        "--cleartext-port",
                        cleartextPort,
                        config.http(),
                        config.streaming().writeBufferHigh(),
                        alloc,
                        initializer(services, connections, null));
            }
            cleartextListener = cleartext;
            Integer ingestPort = config.http().ingestPort();
            if (ingestPort != null) {
                ingest = transport.listenIngest(
                        ingestPort,
                        config.http(),
                        config.streaming().writeBufferHigh(),
                        alloc,
                        new IngestChannelInitializer(
                                services,
                                config.http().maxRequestLine(),
                                config.http().maxHeaderSize()));
            }
            ingestListener = ingest;
            startedAdmin = AdminPort.start(
                    config.ops(), metrics, redisLog != null ? redisLog::unavailability : null, this::isDraining);
            admin = startedAdmin;
            LOG.info(
                    "edge listening on {} ({}{} transport, {} event loops, {} event log)",
                    listener.localAddress(),
                    tls != null ? "TLS, " : "",
                    transport.name(),
                    fanouts.size(),
                    backend.name());
            if (cleartextListener != null) {
                LOG.info("cleartext listener on {} (--cleartext-port)", cleartextListener.localAddress());
                cleartextListener.startAccepting();
            }
            if (ingestListener != null) {
                LOG.info("ingest listener on {} (--ingest-port, its own event loop)", ingestListener.localAddress());
                ingestListener.startAccepting();
            }
            listener.startAccepting();
        } catch (Throwable e) {
            // A node that cannot start (Redis away, another shard count, a port taken) leaves no
            // thread behind, so its process ends with its main thread.
            if (cleartext != null) {
                cleartext.closeAndWait();
            }
            if (ingest != null) {
                ingest.closeAndWait();
            }
            if (startedTls != null) {
                startedTls.close();
            }
            release(startedAdmin, listening, startedLog, openedAuth);
            throw e;
        }
    }

    /** Starts a server; returns once it listens. */
    public static EdgeServer start(EdgeConfig config) throws InterruptedException {
        return new EdgeServer(config, UnaryOperator.identity());
    }

    /**
     * Starts a server whose request handlers also get what {@code moreServices} adds to their
     * services (e.g. the webhook registry); returns once it listens.
     */
    public static EdgeServer start(EdgeConfig config, UnaryOperator<EdgeServices.Builder> moreServices)
            throws InterruptedException {
        return new EdgeServer(config, moreServices);
    }

    /** The public port the server listens on (useful with port 0); it speaks TLS when {@link #isTls()}. */
    public int port() {
        return listener.localAddress().getPort();
    }

    /** The cleartext listener's port beside a TLS public port ({@code --cleartext-port}); -1 when there is none. */
    public int cleartextPort() {
        return cleartextListener == null ? -1 : cleartextListener.localAddress().getPort();
    }

    /** The ingest listener's port ({@code --ingest-port}); -1 when there is none. */
    public int ingestPort() {
        return ingestListener == null ? -1 : ingestListener.localAddress().getPort();
    }

    /** Whether the public port speaks TLS ({@code --tls-cert}). */
    public boolean isTls() {
        return tls != null;
    }

    /** The event log, for the demo producer and tests. */
    public EventLog log() {
        return backend.log();
    }

    /** The Redis event log behind {@link #log()} in Redis mode (its reader lag, its health), else null. */
    public RedisEventLog redisLog() {
        return backend.redisLog();
    }

    /** The webhook endpoint registry ({@code --webhooks}), else null. */
    public WebhookEndpoints webhookEndpoints() {
        EdgeWebhooks hooks = webhooks;
        return hooks == null ? null : hooks.registry();
    }

    /** The configuration the server runs with. */
    public EdgeConfig config() {
        return config;
    }

    /** Open streams on this node. */
    public int openStreams() {
        int total = 0;
        for (LoopFanout fanout : fanouts) {
            total += fanout.subscriberCount();
        }
        return total;
    }

    /** Open streams on each I/O loop, in the order of {@link #eventLoops()}. */
    public List<Integer> openStreamsPerLoop() {
        List<Integer> counts = new ArrayList<>();
        for (LoopFanout fanout : fanouts) {
            counts.add(fanout.subscriberCount());
        }
        return counts;
    }

    /** Events published to the ring and not yet consumed by the dispatcher. */
    public long ringBacklog() {
        return backend.ring().occupancy();
    }

    /** The node's metrics. */
    public EdgeMetrics metrics() {
        return metrics;
    }

    /** The admin port (useful with port 0); -1 when it is off. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /**
     * The I/O loops that serve the client ports and run the fan-out (not the ingest listener's):
     * for tests that keep them busy.
     */
    public List<EventLoop> eventLoops() {
        return transport.loops();
    }

    /** The ring's consumer, for its counters. */
    public FanoutDispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * Waits for the appends in flight to be answered, then ends the producer connections: their
     * answers flushed, their output shut, closed when the client closes its side or after
     * {@link #INGEST_LINGER}.
     */
    private void closeIngest(CompletableFuture<Void> appendsAnswered) {
        try {
            appendsAnswered.get(APPENDS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Their connections close unanswered below, before the log: never a 503 for events
            // that may have been stored.
            LOG.warn(
                    "{} ingest appends still unanswered after {} s: their connections are closed without an answer",
                    services.appendsInFlight(),
                    APPENDS_WAIT.toSeconds());
        }
        try {
            services.closeIngestConnections().get(INGEST_LINGER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            services.abortIngestConnections();
        }
    }

    /** Ingest appends issued to the event log and not yet answered. */
    public int appendsInFlight() {
        return services.appendsInFlight();
    }

    /** The pipeline of a listener's connections: the public port's (with its TLS), or the cleartext one's. */
    private EdgeChannelInitializer initializer(EdgeServices services, ConnectionLimit connections, ServerTls tls) {
        return new EdgeChannelInitializer(
                services, config.http().maxRequestLine(), config.http().maxHeaderSize(), connections, tls);
    }

    /** True once {@link #drain} has begun. */
    public boolean isDraining() {
        return drained != null;
    }

    /**
     * Drains the node before it stops: /readyz turns 503 at once, the listening socket closes (new
     * connections are refused, and a stream asked for on an open connection gets 503 with
     * Retry-After), and open streams are ended cleanly, spread evenly over {@code window}, so
     * their clients resume from their cursors on other nodes without all arriving at once.
     * Idempotent: a second call returns the first drain.
     *
     * @param window 0 ends every stream at once
     * @return completes when no stream is left; call {@link #close()} then
     */
    public synchronized CompletableFuture<Void> drain(Duration window) {
        if (drained != null) {
            return drained;
        }
        services.startDraining();
        drained = new CompletableFuture<>();
        LOG.info("draining: {} open streams over {} ms", openStreams(), window.toMillis());
        listener.close();
        if (cleartextListener != null) {
            cleartextListener.close();
        }
        if (ingestListener != null) {
            ingestListener.close();
        }
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < fanouts.size(); i++) {
            // Each loop closes in its own phase of the slot, so the loops' closes interleave.
            loops.add(fanouts.get(i).drainStreams(window.toNanos(), (i + 0.5) / fanouts.size()));
        }
        CompletableFuture<Void> done = drained;
        CompletableFuture.allOf(loops.toArray(new CompletableFuture<?>[0])).whenComplete((ok, error) -> {
            LOG.info("drained");
            done.complete(null);
        });
        return done;
    }

    /**
     * Stops taking connections and work, ends every open stream (each client resumes from its
     * cursor on another node or after a restart), answers every ingest request already read, then
     * stops the ring, the log and the loops.
     *
     * <p>Ingest: from the first instant no append is issued (a request whose turn comes is answered
     * 503 {@code draining}, nothing stored); appends already issued are waited for, at most
     * {@link #APPENDS_WAIT}, and answered with their ids; then each producer connection has its
     * answers flushed and is closed (a body still arriving is answered 503), and only then is the
     * log closed.
     */
    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        services.startDraining();
        // Before the listening socket closes, so that a connection refused means appends are refused.
        CompletableFuture<Void> appendsAnswered = services.refuseIngest();
        listener.closeAndWait();
        if (cleartextListener != null) {
            cleartextListener.closeAndWait();
        }
        if (ingestListener != null) {
            ingestListener.closeAndWait();
        }
        if (tls != null) {
            tls.close();
        }
        List<CompletableFuture<Void>> ended = new ArrayList<>();
        for (LoopFanout fanout : fanouts) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            fanout.loop().execute(() -> {
                fanout.endAll(EndReason.SHUTDOWN);
                done.complete(null);
            });
            ended.add(done);
        }
        closeIngest(appendsAnswered);
        try {
            CompletableFuture.allOf(ended.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("not every stream ended cleanly: {}", e.toString());
        }
        release(null, null, backend, auth);
    }

    /**
     * Closes, in reverse order of start, what has been started; a constructor that threw passes null
     * for what it had not reached yet. The log closes before the stores and the loops.
     */
    private void release(AdminServer admin, Listener listening, LogBackend backend, EdgeAuth auth) {
        if (admin != null) {
            admin.close();
        }
        if (listening != null) {
            listening.closeAndWait();
        }
        // Before the log: its attempts are recorded through it.
        EdgeWebhooks hooks = webhooks;
        if (hooks != null) {
            hooks.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (auth != null) {
            auth.close();
        }
        transport.close();
        for (LoopFanout fanout : fanouts) {
            fanout.releaseHeld();
        }
    }
}
