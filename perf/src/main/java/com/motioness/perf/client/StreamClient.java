package com.motioness.perf.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.util.concurrent.EventExecutor;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import org.HdrHistogram.Histogram;

/**
 * Many SSE streams over one event loop group, each pinned to one loop for its whole life.
 * Connections come from several loopback source addresses in turn, each with its own range of
 * source ports, so that one machine can open more connections to one server port than one
 * address has ports. Over HTTP/1.1 each stream has its connection (over TLS for an https URL);
 * over HTTP/2 (h2 by ALPN, or h2c with prior knowledge) a loop fills one connection with streams
 * before it opens the next.
 */
public final class StreamClient implements AutoCloseable {
    /**
     * How to reach the server and behave like a client: {@code tls} null for cleartext,
     * {@code h2StreamsPerConnection} 0 for HTTP/1.1.
     */
    public record Settings(
            String host,
            int port,
            List<InetAddress> sources,
            List<String> headers,
            int threads,
            long reconnectDelayMillis,
            boolean retryErrors,
            int maxConnectsInFlight,
            int firstPort,
            int lastPort,
            ClientTls tls,
            int h2StreamsPerConnection) {

        boolean http2() {
            return h2StreamsPerConnection > 0;
        }
    }

    /** Source ports tried in turn before a connection counts as failed, when each one is taken. */
    private static final int PORT_ATTEMPTS = 64;
    /** Linux's errno for "Address already in use" (the epoll transport reports it negated). */
    private static final int EADDRINUSE = 98;

    private final Settings settings;
    private final InetSocketAddress remote;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Map<EventExecutor, List<SseStream>> streamsByLoop = new IdentityHashMap<>();
    private final Map<EventExecutor, LoopStats> statsByLoop = new IdentityHashMap<>();
    /** Over HTTP/2: the connection each loop is filling with streams. */
    private final Map<EventExecutor, H2Connection> fillingByLoop = new IdentityHashMap<>();

    private final TlsResumptionTally handshakes = new TlsResumptionTally();
    private final List<SseStream> streams = new ArrayList<>();
    private final Semaphore connectsInFlight;
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger resumed = new AtomicInteger();
    private final AtomicLong connectErrors = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicReference<String> firstConnectError =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final AtomicLong lastOpenedNanos = new AtomicLong();
    private final AtomicIntegerArray nextPort;
    private volatile boolean stopping;

    /** Starts the event loops; no connection yet. */
    public StreamClient(Settings settings) {
        this.settings = settings;
        this.remote = new InetSocketAddress(settings.host(), settings.port());
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(settings.threads(), io);
        for (EventExecutor loop : group) {
            streamsByLoop.put(loop, new ArrayList<>());
            statsByLoop.put(loop, new LoopStats());
        }
        bootstrap = new Bootstrap()
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                // Close with a reset: a run's tens of thousands of closed connections would otherwise
                // sit in TIME_WAIT on the client's ports and starve the next run of them.
                .option(ChannelOption.SO_LINGER, 0);
        nextPort = new AtomicIntegerArray(settings.sources().size());
        connectsInFlight = new Semaphore(settings.maxConnectsInFlight());
    }

    /**
     * Opens {@code count} streams, at most {@code perSecond} new ones a second (0: as fast as the
     * in-flight bound allows), and returns once every one has been started.
     */
    public void open(int count, IntFunction<String> pathOf, IntUnaryOperator assetOf, int assets, double perSecond)
            throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (perSecond > 0) {
                long due = start + (long) (i * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            connectsInFlight.acquire();
            EventLoop loop = group.next();
            SseStream stream =
                    new SseStream(this, i, assetOf.applyAsInt(i), assets, pathOf.apply(i), loop, statsByLoop.get(loop));
            streams.add(stream);
            loop.execute(() -> {
                streamsByLoop.get(loop).add(stream);
                connect(stream);
            });
        }
    }

    /** Waits until every stream opened or failed; false on timeout. */
    public boolean awaitSettled(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (opened.get() + failed.get() < streams.size()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Waits until {@code count} streams came back after {@link #dropAll()}; false on timeout. */
    public boolean awaitResumed(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (resumed.get() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** Closes every open connection at once, as a network failure would; each stream resumes. */
    public void dropAll() {
        resumed.set(0);
        forEachLoop(list -> list.forEach(SseStream::drop));
    }

    /** Streams whose first response was 200. */
    public int opened() {
        return opened.get();
    }

    /** Streams whose first connection failed or was answered with an error. */
    public int failed() {
        return failed.get();
    }

    /** Connections that could not be made (refused, reset, timed out). */
    public long connectErrors() {
        return connectErrors.get();
    }

    /** Why the first connection that failed did, or null. */
    public String firstConnectError() {
        return firstConnectError.get();
    }

    /** TLS handshakes that made a new session. */
    public long fullHandshakes() {
        return handshakes.full();
    }

    /** TLS handshakes that resumed a session. */
    public long resumedHandshakes() {
        return handshakes.resumed();
    }

    /** When the last stream opened, by {@link System#nanoTime()}. */
    public long lastOpenedNanos() {
        return lastOpenedNanos.get();
    }

    /** Latency histograms since the last call, one interval, merged over loops. */
    public Histogram takeInterval(Histogram into) {
        into.reset();
        for (LoopStats stats : statsByLoop.values()) {
            into.add(stats.latency.getIntervalHistogram());
        }
        return into;
    }

    /** Distinct events received so far, summed on each loop. */
    public long delivered() throws InterruptedException {
        AtomicLong sum = new AtomicLong();
        onEachLoop(list -> {
            long s = 0;
            for (SseStream stream : list) {
                s += stream.delivered();
            }
            sum.addAndGet(s);
        });
        return sum.get();
    }

    /** Sums every stream's tallies against what was published for each asset. */
    public StreamTotals totals(long[] publishedPerAsset) throws InterruptedException {
        StreamTotals all = new StreamTotals();
        onEachLoop(list -> {
            StreamTotals mine = new StreamTotals();
            list.forEach(stream -> stream.addTo(mine, publishedPerAsset));
            synchronized (all) {
                all.add(mine);
            }
        });
        return all;
    }

    /** Time from connect to response head of each stream's first connection, in microseconds. */
    public Histogram openLatency() throws InterruptedException {
        Histogram all = new Histogram(1, 3_600_000_000L, 3);
        onEachLoop(list -> {
            if (!list.isEmpty()) {
                synchronized (all) {
                    all.add(list.get(0).stats.openLatency);
                }
            }
        });
        return all;
    }

    /** Comment lines ({@code : ping} and the like) received, summed on each loop. */
    public long comments() throws InterruptedException {
        AtomicLong sum = new AtomicLong();
        onEachLoop(list -> {
            if (!list.isEmpty()) {
                sum.addAndGet(list.get(0).stats.comments);
            }
        });
        return sum.get();
    }

    @Override
    public void close() {
        stopping = true;
        try {
            onEachLoop(list -> list.forEach(SseStream::close));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    boolean stopping() {
        return stopping;
    }

    boolean retryErrors() {
        return settings.retryErrors();
    }

    long reconnectDelayMillis() {
        return settings.reconnectDelayMillis();
    }

    void streamOpened(SseStream stream) {
        lastOpenedNanos.set(System.nanoTime());
        opened.incrementAndGet();
        connectsInFlight.release();
    }

    void streamFailed(SseStream stream) {
        failed.incrementAndGet();
        connectsInFlight.release();
    }

    void streamResumed(SseStream stream) {
        resumed.incrementAndGet();
    }

    void connectionError(SseStream stream) {
        connectErrors.incrementAndGet();
    }

    /** A failed connection is retried no sooner than this, so a dead server is not hammered. */
    static final long MIN_RETRY_MILLIS = 100;

    void reconnect(SseStream stream, long delayMillis) {
        if (delayMillis <= 0) {
            stream.loop.execute(() -> connect(stream));
        } else {
            stream.loop.schedule(() -> connect(stream), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void connect(SseStream stream) {
        if (stopping) {
            return;
        }
        stream.connecting();
        if (settings.http2()) {
            H2Connection connection = fillingByLoop.get(stream.loop);
            if (connection == null || !connection.hasRoom()) {
                connection = new H2Connection(this, settings.tls() != null, settings.h2StreamsPerConnection());
                fillingByLoop.put(stream.loop, connection);
                connectH2(
                        connection,
                        stream.loop,
                        stream.index % settings.sources().size(),
                        1);
            }
            connection.add(stream);
        } else {
            connect(stream, 1);
        }
    }

    /** An HTTP/2 connection: [TLS,] the client codec, a stream channel per stream. */
    private void connectH2(H2Connection connection, EventLoop loop, int source, int attempt) {
        ChannelFuture connect = bootstrap
                .clone(loop)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (settings.tls() != null) {
                            channel.pipeline().addLast(settings.tls().newHandler(channel.alloc()), handshakes);
                        }
                        channel.pipeline()
                                .addLast(
                                        Http2FrameCodecBuilder.forClient().build(),
                                        // The server pushes nothing; a stream it opened would be dropped.
                                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                        connection);
                    }
                })
                .connect(remote, new InetSocketAddress(settings.sources().get(source), nextPort(source)));
        connection.connecting(connect.channel());
        connect.addListener(done -> {
            if (done.isSuccess()) {
                return;
            }
            if (isAddressInUse(done.cause()) && attempt < PORT_ATTEMPTS) {
                connectH2(connection, loop, source, attempt + 1);
            } else {
                connectErrors.incrementAndGet();
                firstConnectError.compareAndSet(null, String.valueOf(done.cause()));
                connection.failed();
            }
        });
    }

    /** The HEADERS of a stream's request over HTTP/2. */
    Http2Headers h2Request(SseStream stream) {
        Http2Headers headers = new DefaultHttp2Headers()
                .method("GET")
                .scheme(settings.tls() != null ? "https" : "http")
                .authority(settings.host() + ':' + settings.port())
                .path(stream.path)
                .add("accept", "text/event-stream")
                .add("cache-control", "no-cache");
        for (String header : settings.headers()) {
            int colon = header.indexOf(':');
            headers.add(
                    header.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                    header.substring(colon + 1).trim());
        }
        String lastId = stream.lastEventId();
        if (lastId != null) {
            headers.add("last-event-id", lastId);
        }
        return headers;
    }

    /**
     * Connects from the stream's source address and the next source port of that address. The
     * harness picks ports itself, round the whole range, instead of letting the kernel search for
     * a free one: that search grows with the ports in use and, tens of thousands of connections
     * in, made each connect() cost milliseconds; it also limits a source address to the
     * ephemeral range (28,232 ports here) where the harness may use 10000-65000.
     */
    private void connect(SseStream stream, int attempt) {
        int source = stream.index % settings.sources().size();
        ChannelFuture connect = bootstrap
                .clone(stream.loop)
                .handler(http1Handler(stream))
                .connect(remote, new InetSocketAddress(settings.sources().get(source), nextPort(source)));
        Channel channel = connect.channel();
        stream.attach(channel);
        connect.addListener(done -> {
            if (done.isSuccess()) {
                channel.writeAndFlush(request(channel, stream));
            } else if (isAddressInUse(done.cause()) && attempt < PORT_ATTEMPTS) {
                // That port is still held by a connection of this run or of someone else: next one.
                connect(stream, attempt + 1);
            } else {
                connectErrors.incrementAndGet();
                firstConnectError.compareAndSet(null, String.valueOf(done.cause()));
                stream.onConnectFailed(channel);
            }
        });
    }

    /** The response reader, behind TLS for an https:// URL (the request waits for the handshake). */
    private ChannelHandler http1Handler(SseStream stream) {
        if (settings.tls() == null) {
            return new SseResponseHandler(stream);
        }
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline()
                        .addLast(
                                settings.tls().newHandler(channel.alloc()), handshakes, new SseResponseHandler(stream));
            }
        };
    }

    /** The JDK transport says BindException, the epoll one EADDRINUSE in a NativeIoException. */
    private static boolean isAddressInUse(Throwable cause) {
        return cause instanceof BindException
                || (cause instanceof Errors.NativeIoException nativeError && nativeError.expectedErr() == -EADDRINUSE);
    }

    private int nextPort(int source) {
        int span = settings.lastPort() - settings.firstPort() + 1;
        return settings.firstPort() + Math.floorMod(nextPort.getAndIncrement(source), span);
    }

    private ByteBuf request(Channel channel, SseStream stream) {
        StringBuilder head = new StringBuilder(256)
                .append("GET ")
                .append(stream.path)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(settings.host())
                .append(':')
                .append(settings.port())
                .append("\r\n")
                .append("Accept: text/event-stream\r\n")
                .append("Cache-Control: no-cache\r\n");
        for (String header : settings.headers()) {
            head.append(header).append("\r\n");
        }
        String lastId = stream.lastEventId();
        if (lastId != null) {
            head.append("Last-Event-ID: ").append(lastId).append("\r\n");
        }
        head.append("\r\n");
        byte[] bytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        return channel.alloc().buffer(bytes.length).writeBytes(bytes);
    }

    private void forEachLoop(java.util.function.Consumer<List<SseStream>> action) {
        streamsByLoop.forEach((loop, list) -> loop.execute(() -> action.accept(list)));
    }

    private void onEachLoop(java.util.function.Consumer<List<SseStream>> action) throws InterruptedException {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        streamsByLoop.forEach((loop, list) -> {
            CompletableFuture<Void> future = new CompletableFuture<>();
            done.add(future);
            loop.execute(() -> {
                try {
                    action.accept(list);
                    future.complete(null);
                } catch (RuntimeException e) {
                    future.completeExceptionally(e);
                }
            });
        });
        for (CompletableFuture<Void> future : done) {
            try {
                future.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("an event loop did not answer", e);
            }
        }
    }
}
