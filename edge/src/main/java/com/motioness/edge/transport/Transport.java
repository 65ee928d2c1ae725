package com.motioness.edge.transport;

import com.motioness.edge.config.HttpSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
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
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The edge's network transport: epoll where the platform has it, else NIO; the I/O loops that own
 * the connections, each accepting its own on epoll (a boss loop accepts for them on NIO); and the
 * listeners ({@link Listener}). With {@code --ingest-port}, one more loop of its own serves the ingest listener's
 * connections, which the fan-out never runs on. {@link #close()} stops the loops, so no thread of
 * theirs keeps the process alive.
 */
public final class Transport implements AutoCloseable {
    /**
     * One receive-size policy for every connection: Netty's default config makes one per channel
     * (32 B an idle stream would keep for its whole life); the policy holds only its bounds, and
     * each channel still gets its own handle (40 B, see {@link ReceiveSizes}), which keeps the sizes
     * it guessed.
     */
    private static final ReceiveSizes RECEIVE_SIZES = new ReceiveSizes();

    private final boolean epoll;
    private final IoHandlerFactory io;
    /** The loop that accepts for the I/O loops on NIO; null on epoll, where each accepts its own. */
    private final EventLoopGroup bossGroup;

    private final EventLoopGroup ioGroup;
    /** The ingest listener's loop, started with it; null until then. */
    private EventLoopGroup ingestGroup;

    private Transport(boolean epoll, IoHandlerFactory io, EventLoopGroup bossGroup, EventLoopGroup ioGroup) {
        this.epoll = epoll;
        this.io = io;
        this.bossGroup = bossGroup;
        this.ioGroup = ioGroup;
    }

    /** Starts {@code --io-threads} I/O loops (and, on NIO, the boss loop). */
    public static Transport start(HttpSettings http) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        // One loop per core by default, not Netty's two: a loop never blocks, and fewer loops batch
        // more writes per wake-up (perf/scenarios/idle-hold.sh: 15,700 new streams/s with 2 loops on
        // 2 cores, 11,700 with 4, the load generator on the same cores).
        int loops =
                http.ioThreads() > 0 ? http.ioThreads() : Runtime.getRuntime().availableProcessors();
        return new Transport(
                epoll,
                io,
                epoll ? null : new MultiThreadIoEventLoopGroup(1, io),
                new MultiThreadIoEventLoopGroup(loops, io));
    }

    /** The I/O loops, in a fixed order. */
    public List<EventLoop> loops() {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : ioGroup) {
            loops.add((EventLoop) executor);
        }
        return loops;
    }

    /** {@code epoll} or {@code nio}. */
    public String name() {
        return epoll ? "epoll" : "nio";
    }

    /**
     * Binds the public port ({@code --port} on {@code --bind}), not accepting connections yet: they
     * wait in the backlog until {@link Listener#startAccepting()}.
     *
     * @param writeBufferHigh a connection's write high-water mark; the low one is half
     * @param connections the handler of each accepted connection
     * @throws ListenerBindException the port cannot be bound
     */
    public Listener listen(HttpSettings http, int writeBufferHigh, ByteBufAllocator alloc, ChannelHandler connections)
            throws InterruptedException {
        return listen("--port", http.port(), http, writeBufferHigh, alloc, connections);
    }

    /**
     * Binds a client listener on {@code --bind}: the public port, or the cleartext one beside a TLS
     * public port ({@code --cleartext-port}); the same socket options either way, not accepting
     * connections until {@link Listener#startAccepting()}.
     *
     * @param setting the flag of the port, which names it when it cannot be bound
     * @param writeBufferHigh a connection's write high-water mark; the low one is half
     * @param connections the handler of each accepted connection
     * @throws ListenerBindException the port cannot be bound
     */
    public Listener listen(
            String setting,
            int port,
            HttpSettings http,
            int writeBufferHigh,
            ByteBufAllocator alloc,
            ChannelHandler connections)
            throws InterruptedException {
        return listen(setting, port, http, writeBufferHigh, alloc, ioGroup, connections);
    }

    /**
     * Binds the ingest listener ({@code --ingest-port} on {@code --bind}), whose connections are
     * served by a loop of their own, started here: the fan-out runs on the I/O loops only, so a
     * producer's request is read and answered without waiting for the delivery of earlier events.
     * Not accepting connections until {@link Listener#startAccepting()}.
     *
     * @param writeBufferHigh a connection's write high-water mark; the low one is half
     * @throws ListenerBindException the port cannot be bound
     */
    public Listener listenIngest(
            int port, HttpSettings http, int writeBufferHigh, ByteBufAllocator alloc, ChannelHandler connections)
            throws InterruptedException {
        if (ingestGroup == null) {
            // One loop: ingest decodes a batch and appends it, which takes microseconds; its thread
            // named so that a profile tells it from the fan-out's loops.
            ingestGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("motioness-ingest"), io);
        }
        return listen("--ingest-port", port, http, writeBufferHigh, alloc, ingestGroup, connections);
    }

    /**
     * On epoll, one listening socket per loop of {@code loops}, bound with SO_REUSEPORT and
     * accepting onto its own loop: a new connection is accepted, set up and read by one thread,
     * where a boss loop accepting for all of them woke an I/O loop for each (an eventfd write and
     * one more wait per connection: server CPU per stream opened 0.82x, docs/perf.md). On NIO,
     * one socket on the boss loop.
     */
    private Listener listen(
            String setting,
            int port,
            HttpSettings http,
            int writeBufferHigh,
            ByteBufAllocator alloc,
            EventLoopGroup loops,
            ChannelHandler connections)
            throws InterruptedException {
        if (!epoll) {
            if (http.reusePort()) {
                throw new IllegalStateException("--reuse-port needs the epoll transport, which is not available here");
            }
            return new Listener(
                    List.of(bind(setting, port, http, writeBufferHigh, alloc, bossGroup, loops, connections)));
        }
        if (port != 0 && !http.reusePort()) {
            PortProbe.requireFree(setting, http.bind(), port);
        }
        List<Channel> sockets = new ArrayList<>();
        try {
            for (EventExecutor executor : loops) {
                EventLoop loop = (EventLoop) executor;
                Channel socket = bind(setting, port, http, writeBufferHigh, alloc, loop, loop, connections);
                sockets.add(socket);
                // Port 0: the others take the port the first was given.
                port = ((InetSocketAddress) socket.localAddress()).getPort();
            }
        } catch (RuntimeException | InterruptedException e) {
            sockets.forEach(socket -> socket.close().syncUninterruptibly());
            throw e;
        }
        return new Listener(sockets);
    }

    private Channel bind(
            String setting,
            int port,
            HttpSettings http,
            int writeBufferHigh,
            ByteBufAllocator alloc,
            EventLoopGroup acceptor,
            EventLoopGroup children,
            ChannelHandler connections)
            throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap();
        SendBuffer.configure(bootstrap, epoll, http.sendBuffer());
        if (epoll) {
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        ChannelFuture bound = bootstrap
                .group(acceptor, children)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false)
                // No TCP_NODELAY here: Netty's socket channels turn it on themselves, and asking
                // again would cost each accepted connection a second setsockopt.
                .childOption(ChannelOption.ALLOCATOR, alloc)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, RECEIVE_SIZES)
                .childOption(
                        ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(writeBufferHigh / 2, writeBufferHigh))
                .childHandler(connections)
                .bind(ListenerBindException.address(setting, http.bind(), port))
                .await();
        if (!bound.isSuccess()) {
            throw ListenerBindException.of(setting, http.bind(), port, bound.cause());
        }
        return bound.channel();
    }

    /** Stops the loops and waits for them. */
    @Override
    public void close() {
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (ingestGroup != null) {
            ingestGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
