package com.motioness.edge;

import com.motioness.edge.admin.AdminServer;
import com.motioness.edge.admin.CachedCheck;
import com.motioness.edge.admin.Readiness;
import com.motioness.edge.auth.BetterAuthSessionAuthenticator;
import com.motioness.edge.auth.CachedProjectAccess;
import com.motioness.edge.auth.DevSessionAuthenticator;
import com.motioness.edge.auth.FileProjectKeys;
import com.motioness.edge.auth.PostgresSessionStore;
import com.motioness.edge.auth.Principal;
import com.motioness.edge.auth.ProjectAccess;
import com.motioness.edge.auth.ProjectKeys;
import com.motioness.edge.auth.RedisProjectAccess;
import com.motioness.edge.auth.RedisProjectKeys;
import com.motioness.edge.auth.RedisSessionStore;
import com.motioness.edge.auth.SessionAuthenticator;
import com.motioness.edge.auth.SessionStore;
import com.motioness.edge.auth.SignedSessionCookie;
import com.motioness.edge.auth.SqlProjectAccess;
import com.motioness.edge.config.EdgeConfig;
import com.motioness.edge.fanout.CloseReason;
import com.motioness.edge.fanout.FanoutDispatcher;
import com.motioness.edge.fanout.LoopFanout;
import com.motioness.edge.fanout.StreamSettings;
import com.motioness.edge.http.EdgeChannelInitializer;
import com.motioness.edge.http.EdgeServices;
import com.motioness.edge.limits.ConnectionLimit;
import com.motioness.edge.limits.StreamLimits;
import com.motioness.edge.log.CoalescingReads;
import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.embedded.EmbeddedEventLog;
import com.motioness.edge.log.redis.RedisEventLog;
import com.motioness.edge.log.redis.RedisRetention;
import com.motioness.edge.metrics.EdgeMetrics;
import com.motioness.edge.ring.EventRing;
import com.motioness.protocol.redis.RedisKeys;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running edge: event loops, their fan-outs, the ring and its dispatcher, the event log and
 * the listening socket, wired in the order each needs the one before. {@link #close()} undoes it
 * in reverse, ending every open stream cleanly so clients resume from their cursors.
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
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    private final List<LoopFanout> fanouts = new ArrayList<>();
    private final FanoutDispatcher dispatcher;
    private final EventRing ring;
    private final EventLog log;
    private final RedisEventLog redisLog;
    private final Channel serverChannel;
    private final EdgeMetrics metrics;
    private final AdminServer admin;
    private final EdgeServices services;
    private volatile CompletableFuture<Void> drained;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private EdgeServer(EdgeConfig config) throws InterruptedException {
        this.config = config;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        // One loop per core by default, not Netty's two: a loop never blocks, and fewer loops batch
        // more writes per wake-up (perf/scenarios/idle-hold.sh: 15,700 new streams/s with 2 loops on
        // 2 cores, 11,700 with 4, the load generator on the same cores).
        int loops = config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
        ioGroup = new MultiThreadIoEventLoopGroup(loops, io);
        // Pooled, explicitly: a retained duplicate of a pooled buffer is a recycled object, which
        // is what keeps a delivery free of allocation.
        ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

        StreamSettings settings = new StreamSettings(alloc, config.pingInterval(),
                config.maxStreamDuration(), config.slowConsumerTimeout(), config.writeBufferHigh());
        for (EventExecutor executor : ioGroup) {
            fanouts.add(new LoopFanout((EventLoop) executor, settings));
        }
        dispatcher = new FanoutDispatcher(alloc, fanouts);
        ring = new EventRing(config.ringSize(), dispatcher);
        try {
            redisLog = config.redis() == null ? null
                    : new RedisEventLog(config.redis(), new RedisKeys(config.redisPrefix(), config.redisShards()), ring,
                            new RedisRetention(config.redisFirehoseLength(), config.retentionCount(),
                                    config.redisRunningTtl(), config.retentionAge(), config.idempotencyWindow()));
            // Reads from Redis cost round trips: at most 16 on their way, and the same read asked for by
            // many new streams while they wait (a node starting, a reconnect storm) goes once. Memory
            // reads cost nothing to repeat.
            log = redisLog == null
                    ? new EmbeddedEventLog(ring, config.retentionCount(), config.retentionAge(),
                            config.idempotencyWindow(), Clock.systemUTC())
                    : new CoalescingReads(redisLog, 16);
            metrics = new EdgeMetrics(fanouts, dispatcher, ring::occupancy, ring.capacity(),
                    redisLog != null ? redisLog::readerLagMillis : null, this::isDraining);
            ConnectionLimit connections = ConnectionLimit.of(config.maxConnections());
            metrics.connections(connections);
            metrics.historyLost(redisLog != null ? redisLog::historyLosses : () -> 0);

            ProjectKeys keys = config.redis() != null
                    ? new RedisProjectKeys(config.redis(), config.redisPrefix(), config.projectKeys())
                    : config.keysFile() != null
                            ? new FileProjectKeys(config.flagProjectKeys(), config.keysFile(), Duration.ofSeconds(1))
                            : ProjectKeys.of(config.projectKeys());
            closeables.add(keys);
            services = EdgeServices.builder()
                    .auth(keys, sessionAuthenticator(config))
                    .log(log, fanouts)
                    .corsOrigins(config.corsOrigins())
                    .ingest(config.ingestToken(), config.maxIngestBytes())
                    .retry(config.retry())
                    .requestTimeout(config.headerTimeout())
                    .recheck(config.sessionRecheck(), config.keyRecheck())
                    .limits(new StreamLimits(config.maxStreamsPerKey(), config.maxStreamsPerUser(),
                            config.maxStreamsPerAddress(), config.newStreamsPerAddress(), config.trustedProxies()))
                    .counters(metrics.requests())
                    .accessLogSample(config.accessLogSample())
                    .dashboardCookie(demoDashboardCookie(config))
                    .feedTailMax(config.feedTailMax())
                    .build();

            // The public port is bound but accepts nothing until the admin port is bound too: an
            // edge that cannot have both serves no client, not even for a moment.
            serverChannel = listen(config, epoll, alloc, connections);
            admin = config.adminPort() < 0 ? null : startAdmin(config);
            LOG.info("edge listening on {} ({} transport, {} event loops, {} event log)",
                    serverChannel.localAddress(), epoll ? "epoll" : "nio", fanouts.size(),
                    config.redis() == null ? "embedded" : "Redis");
            serverChannel.config().setAutoRead(true);
        } catch (Throwable e) {
            // A node that cannot start (Redis away, another shard count, a port taken) leaves no
            // thread behind, so its process ends with its main thread.
            releaseAfterFailedStart();
            throw e;
        }
    }

    private AdminServer startAdmin(EdgeConfig config) {
        InetSocketAddress address = ListenerBindException.address("--admin-port", config.adminBind(), config.adminPort());
        try {
            return AdminServer.start(address, metrics, readiness());
        } catch (IOException e) {
            throw ListenerBindException.of("--admin-port", config.adminBind(), config.adminPort(), e);
        }
    }

    /** Binds the public port, not accepting connections yet (they wait in the backlog). */
    private Channel listen(EdgeConfig config, boolean epoll, ByteBufAllocator alloc, ConnectionLimit connections)
            throws InterruptedException {
        int high = config.writeBufferHigh();
        ServerBootstrap bootstrap = new ServerBootstrap();
        SendBuffer.configure(bootstrap, epoll, config.sendBuffer());
        if (config.reusePort()) {
            if (!epoll) {
                throw new IllegalStateException("--reuse-port needs the epoll transport, which is not available here");
            }
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        ChannelFuture bound = bootstrap
                .group(bossGroup, ioGroup)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOCATOR, alloc)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 2, high))
                .childHandler(new EdgeChannelInitializer(services, config.maxRequestLine(), config.maxHeaderSize(),
                        connections))
                .bind(ListenerBindException.address("--port", config.bind(), config.port()))
                .await();
        if (!bound.isSuccess()) {
            throw ListenerBindException.of("--port", config.bind(), config.port(), bound.cause());
        }
        return bound.channel();
    }

    /**
     * Not ready while draining; else embedded, always; Redis: it answers and has the function
     * library (checked at most once a second).
     */
    private java.util.function.Supplier<Readiness> readiness() {
        java.util.function.Supplier<Readiness> ofLog = () -> Readiness.READY;
        if (redisLog != null) {
            ofLog = new CachedCheck(() -> {
                String problem = redisLog.unavailability();
                return problem == null ? Readiness.READY : Readiness.notReady(problem);
            }, TimeUnit.SECONDS.toNanos(1), System::nanoTime);
        }
        java.util.function.Supplier<Readiness> check = ofLog;
        return () -> isDraining() ? Readiness.notReady("draining: this node is shutting down") : check.get();
    }

    /**
     * better-auth sessions when a session store is configured (verified cookie, session store,
     * membership with a per-node cache), else the development sessions of the configuration.
     */
    private SessionAuthenticator sessionAuthenticator(EdgeConfig config) {
        if (config.sessionStore() == null) {
            Map<String, Set<String>> grants = new HashMap<>();
            config.devSessions().forEach((token, session) -> grants.merge(session.userId(), session.projectIds(),
                    (a, b) -> {
                        Set<String> all = new HashSet<>(a);
                        all.addAll(b);
                        return all;
                    }));
            ProjectAccess access = ProjectAccess.granted(grants);
            Map<String, Principal> sessions = new HashMap<>();
            config.devSessions().forEach((token, session) -> sessions.put(token, new Principal(session.userId(), access)));
            return new DevSessionAuthenticator(sessions);
        }
        SessionStore store = config.sessionStore().startsWith("jdbc:")
                ? new PostgresSessionStore(config.sessionStore(), 4, Duration.ofSeconds(2))
                : new RedisSessionStore(config.sessionStore(), config.sessionKeyPrefix());
        closeables.add(store);
        ProjectAccess membership;
        if (config.membership().startsWith("jdbc:")) {
            SqlProjectAccess sql = new SqlProjectAccess(config.membership(), config.membershipQuery(), 4,
                    Duration.ofSeconds(2));
            closeables.add(sql);
            membership = sql;
        } else {
            RedisProjectAccess redis = new RedisProjectAccess(config.membership(), config.sessionKeyPrefix());
            closeables.add(redis);
            membership = redis;
        }
        String secret = config.authSecret() != null ? config.authSecret()
                : SignedSessionCookie.secretFromEnvironment(System.getenv());
        return new BetterAuthSessionAuthenticator(new SignedSessionCookie(config.authCookiePrefix(), secret), store,
                new CachedProjectAccess(membership, config.membershipCache().toNanos(), 100_000, System::nanoTime),
                Clock.systemUTC());
    }

    /**
     * The session cookie the dashboard page sets so the demo's activity feed opens without a sign-in:
     * only with {@code --demo}, and only while development sessions (which know the demo's) are in use.
     */
    private static String demoDashboardCookie(EdgeConfig config) {
        if (!config.demo() || config.sessionStore() != null) {
            return null;
        }
        return SessionAuthenticator.COOKIE + "=" + EdgeConfig.DEMO_SESSION;
    }

    /** Starts a server; returns once it listens. */
    public static EdgeServer start(EdgeConfig config) throws InterruptedException {
        return new EdgeServer(config);
    }

    /** The port the server listens on (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The event log, for the demo producer and tests. */
    public EventLog log() {
        return log;
    }

    /** The Redis event log behind {@link #log()} in Redis mode (its reader lag, its health), else null. */
    public RedisEventLog redisLog() {
        return redisLog;
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

    /** Events published to the ring and not yet consumed by the dispatcher. */
    public long ringBacklog() {
        return ring.occupancy();
    }

    /** The node's metrics. */
    public EdgeMetrics metrics() {
        return metrics;
    }

    /** The admin port (useful with port 0); -1 when it is off. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
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
            LOG.warn("{} ingest appends still unanswered after {} s: their connections are closed without an answer",
                    services.appendsInFlight(), APPENDS_WAIT.toSeconds());
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
        serverChannel.close();
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
        serverChannel.close().syncUninterruptibly();
        List<CompletableFuture<Void>> ended = new ArrayList<>();
        for (LoopFanout fanout : fanouts) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            fanout.loop().execute(() -> {
                fanout.endAll(CloseReason.SHUTDOWN);
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
        release();
    }

    /**
     * Undoes a constructor that threw: whatever it had started, in reverse. Fields it had not reached
     * yet are still null.
     */
    private void releaseAfterFailedStart() {
        if (admin != null) {
            admin.close();
        }
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (log == null && redisLog != null) {
            redisLog.close();
        }
        release();
    }

    /** Closes the log, the ring, the stores and the loops. */
    private void release() {
        if (log != null) {
            log.close();
        }
        ring.close();
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", closeable, e.toString());
            }
        }
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
