package com.motioness.edge.webhook.client;

import com.motioness.edge.webhook.AddressGuard;
import com.motioness.edge.webhook.AttemptResult;
import com.motioness.edge.webhook.WebhookRequest;
import com.motioness.edge.webhook.WebhookSender;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The webhook HTTP client on Netty: each attempt is an HTTP/1.1 POST on a keep-alive connection
 * from its origin's pool ({@link OriginPool}, one event loop per origin), to an address resolved
 * without blocking and allowed by the {@link AddressGuard} ({@link GuardedResolver}). Redirects are
 * never followed; at most 64 KiB of a response body is read. {@link #send} never blocks and its
 * future always completes normally, within the request's timeout plus scheduling slack.
 */
public final class WebhookClient implements WebhookSender {
    /** Connections per origin unless told otherwise: the dispatcher's in-flight bound per endpoint. */
    public static final int DEFAULT_POOL_SIZE = 16;
    /** How long an unused keep-alive connection stays open unless told otherwise. */
    public static final Duration DEFAULT_IDLE = Duration.ofSeconds(30);
    /** Attempts that may wait for a connection, per pooled connection, before {@code POOL_FULL}. */
    static final int QUEUED_PER_CONNECTION = 64;

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final GuardedResolver resolver;
    private final OriginConnector connector;
    private final int poolSize;
    private final long idleNanos;
    private final Map<Origin, OriginPool> pools = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * A client on the caller's event loops (epoll or NIO, as {@code group} is), which it does not
     * shut down.
     *
     * @param ssl the client context for https (see {@link #defaultSslContext()}); hostname
     *     verification is turned on whatever it says
     * @param poolSize connections per origin at most
     * @param idle how long an unused keep-alive connection stays open
     */
    public WebhookClient(EventLoopGroup group, AddressGuard guard, SslContext ssl, int poolSize, Duration idle) {
        this(group, false, guard, ssl, poolSize, idle);
    }

    /** A client on {@code threads} event loops of its own (epoll where available, else NIO), shut down by {@link #close()}. */
    public WebhookClient(int threads, AddressGuard guard, SslContext ssl, int poolSize, Duration idle) {
        this(ownGroup(threads), true, guard, ssl, poolSize, idle);
    }

    private WebhookClient(
            EventLoopGroup group, boolean ownsGroup, AddressGuard guard, SslContext ssl, int poolSize, Duration idle) {
        if (poolSize < 1) {
            throw new IllegalArgumentException("a pool needs at least one connection");
        }
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("the idle time must be positive");
        }
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.poolSize = poolSize;
        this.idleNanos = idle.toNanos();
        boolean epoll = group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
        this.resolver = new GuardedResolver(
                new DnsNameResolverBuilder(group.next())
                        .datagramChannelType(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                        .build(),
                guard);
        this.connector = new OriginConnector(resolver, ssl, epoll ? EpollSocketChannel.class : NioSocketChannel.class);
    }

    /** The context for https in production: the JDK's trust store, TLS 1.3 or 1.2, hostname verification. */
    public static SslContext defaultSslContext() {
        try {
            return SslContextBuilder.forClient()
                    .protocols("TLSv1.3", "TLSv1.2")
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("the JDK's default TLS client context cannot be built", e);
        }
    }

    @Override
    public CompletableFuture<AttemptResult> send(WebhookRequest request) {
        Attempt attempt = new Attempt(request, System.nanoTime());
        Origin origin;
        try {
            origin = Origin.of(request.url());
        } catch (IllegalArgumentException e) {
            attempt.finish(0, AttemptOutcomes.INVALID_URL, e.getMessage());
            return attempt.result;
        }
        if (closed) {
            attempt.finish(0, AttemptOutcomes.CLIENT_CLOSED, "the webhook client is closed");
            return attempt.result;
        }
        OriginPool pool = pools.computeIfAbsent(
                origin,
                o -> new OriginPool(o, group.next(), connector, poolSize, poolSize * QUEUED_PER_CONNECTION, idleNanos));
        try {
            pool.loop().execute(() -> pool.start(attempt));
        } catch (RejectedExecutionException e) {
            attempt.finish(0, AttemptOutcomes.CLIENT_CLOSED, "the webhook client is closed");
        }
        return attempt.result;
    }

    /** The pool of {@code url}'s origin, for tests; null when nothing was sent there. Blocks briefly. */
    PoolStats stats(URI url) throws InterruptedException, ExecutionException, TimeoutException {
        OriginPool pool = pools.get(Origin.of(url));
        return pool == null ? null : pool.loop().submit(pool::stats).get(5, TimeUnit.SECONDS);
    }

    /**
     * Ends every attempt without an outcome yet with {@code CLIENT_CLOSED} (the receiver may or may not
     * have had it), closes every connection, and stops the loops if they are the client's own.
     */
    @Override
    public void close() {
        closed = true;
        List<io.netty.util.concurrent.Future<?>> closing = new ArrayList<>();
        for (OriginPool pool : pools.values()) {
            try {
                closing.add(pool.loop().submit(pool::close));
            } catch (RejectedExecutionException alreadyStopped) {
                // The caller's loops are gone: so are the connections.
            }
        }
        for (io.netty.util.concurrent.Future<?> future : closing) {
            future.awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        resolver.close();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static EventLoopGroup ownGroup(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("the client needs at least one thread");
        }
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("motioness-webhooks", true), io);
    }
}
