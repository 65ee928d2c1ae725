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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The edge's network transport: epoll where the platform has it, else NIO; the boss loop that owns
 * the listening socket and the I/O loops that own the connections; and the public port's listening
 * channel. With {@code --ingest-port}, one more loop of its own serves the ingest listener's
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

    /** Starts the boss loop and {@code --io-threads} I/O loops. */
    public static Transport start(HttpSettings http) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        // One loop per core by default, not Netty's two: a loop never blocks, and fewer loops batch
        // more writes per wake-up (perf/scenarios/idle-hold.sh: 15,700 new streams/s with 2 loops on
        // 2 cores, 11,700 with 4, the load generator on the same cores).
        int loops =
                http.ioThreads() > 0 ? http.ioThreads() : Runtime.getRuntime().availableProcessors();
        return new Transport(
                epoll, io, new MultiThreadIoEventLoopGroup(1, io), new MultiThreadIoEventLoopGroup(loops, io));
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
     * wait in the backlog until the channel's {@code autoRead} is turned on.
     *
     * @param writeBufferHigh a connection's write high-water mark; the low one is half
     * @param connections the handler of each accepted connection
     * @throws ListenerBindException the port cannot be bound
     */
    public Channel listen(HttpSettings http, int writeBufferHigh, ByteBufAllocator alloc, ChannelHandler connections)
            throws InterruptedException {
        return listen("--port", http.port(), http, writeBufferHigh, alloc, connections);
    }

    /**
     * Binds a client listener on {@code --bind}: the public port, or the cleartext one beside a TLS
     * public port ({@code --cleartext-port}); the same socket options either way, not accepting
     * connections until the channel's {@code autoRead} is turned on.
     *
     * @param setting the flag of the port, which names it when it cannot be bound
     * @param writeBufferHigh a connection's write high-water mark; the low one is half
     * @param connections the handler of each accepted connection
     * @throws ListenerBindException the port cannot be bound
     */
    public Channel listen(
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
     * Not accepting connections until the channel's {@code autoRead} is turned on.
     *
     * @param writeBufferHigh a connection's write high-water mark; the low one is half
     * @throws ListenerBindException the port cannot be bound
     */
    public Channel listenIngest(
            int port, HttpSettings http, int writeBufferHigh, ByteBufAllocator alloc, ChannelHandler connections)
            throws InterruptedException {
        if (ingestGroup == null) {
            // One loop: ingest decodes a batch and appends it, which takes microseconds; its thread
            // named so that a profile tells it from the fan-out's loops.
            ingestGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("motioness-ingest"), io);
        }
        return listen("--ingest-port", port, http, writeBufferHigh, alloc, ingestGroup, connections);
    }

    private Channel listen(
            String setting,
            int port,
            HttpSettings http,
            int writeBufferHigh,
            ByteBufAllocator alloc,
            EventLoopGroup childGroup,
            ChannelHandler connections)
            throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap();
        SendBuffer.configure(bootstrap, epoll, http.sendBuffer());
        if (http.reusePort()) {
            if (!epoll) {
                throw new IllegalStateException("--reuse-port needs the epoll transport, which is not available here");
            }
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        ChannelFuture bound = bootstrap
                .group(bossGroup, childGroup)
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
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (ingestGroup != null) {
            ingestGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
