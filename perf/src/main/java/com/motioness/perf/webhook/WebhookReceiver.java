package com.motioness.perf.webhook;

import com.motioness.protocol.webhook.WebhookSecret;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver for load tests: one port takes every endpoint's deliveries, the path naming
 * the endpoint ({@code /hook/<n>}); it verifies each signature with that endpoint's secrets,
 * deduplicates by {@code webhook-id}, records event-to-receipt latency, and answers as each
 * endpoint's {@link EndpointMode} says. A second port controls it ({@link ControlHandler}):
 * secrets, modes, taking the delivery port down (its listener and connections closed, so senders
 * get refused connections) and up again on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** The most a delivery body may be; the dispatcher never sends more than an event. */
    private static final int MAX_BODY = 1 << 20;

    private final String host;
    private final EventLoopGroup group;
    // Its own loop: down() and up() wait for the delivery loops, which must not be the caller's.
    private final EventLoopGroup controlGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final SignatureVerifier verifier = new SignatureVerifier();
    private final DeliveryLedger ledger = new DeliveryLedger();
    private final Map<String, EndpointMode> modes = new ConcurrentHashMap<>();
    private final HookHandler hooks = new HookHandler(verifier, ledger, modes);
    private final ChannelGroup hookChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel control;
    private int hookPort;
    private Channel hookListener;

    private WebhookReceiver(String host, int threads, int controlPort) throws InterruptedException {
        this.host = host;
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.control = bootstrap(controlGroup, new ControlHandler(this), false)
                .bind(host, controlPort)
                .sync()
                .channel();
    }

    /**
     * Starts a receiver.
     *
     * @param hookPort the delivery port, 0 for any free one
     * @param controlPort the control port, 0 for any free one
     */
    public static WebhookReceiver start(String host, int hookPort, int controlPort, int threads)
            throws InterruptedException {
        WebhookReceiver receiver = new WebhookReceiver(host, threads, controlPort);
        receiver.hookPort = hookPort;
        receiver.up();
        return receiver;
    }

    /** The delivery port. */
    public synchronized int hookPort() {
        return hookPort;
    }

    /** The control port. */
    public int controlPort() {
        return ((InetSocketAddress) control.localAddress()).getPort();
    }

    /** Adds a secret to the endpoint at {@code path} ({@code /hook/3}). */
    public void addSecret(String path, WebhookSecret secret) {
        verifier.add(path, secret);
    }

    /**
     * Adds secrets given as lines {@code <path> <secret>}; blank lines and {@code #} comments are
     * skipped.
     *
     * @return how many were added
     * @throws IllegalArgumentException on a malformed line (the message never shows a secret)
     */
    public int addSecrets(String lines) {
        int added = 0;
        int number = 0;
        for (String line : lines.split("\n")) {
            number++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split("\\s+");
            if (parts.length != 2 || !parts[0].startsWith("/")) {
                throw new IllegalArgumentException("line " + number + ": expected <path> <secret>");
            }
            addSecret(parts[0], WebhookSecret.parse(parts[1]));
            added++;
        }
        return added;
    }

    /** Sets how the endpoint at {@code path} answers; {@code *} sets every other endpoint's. */
    public void mode(String path, EndpointMode mode) {
        if (path.equals("*")) {
            hooks.defaultMode(mode);
        } else {
            modes.put(path, mode);
        }
    }

    /** Closes the delivery listener and every delivery connection: senders now get refused. */
    public synchronized void down() throws InterruptedException {
        if (hookListener != null) {
            hookListener.close().sync();
            hookListener = null;
        }
        hookChannels.close().sync();
    }

    /** Listens for deliveries again, on the same port. */
    public synchronized void up() throws InterruptedException {
        if (hookListener == null) {
            hookListener =
                    bootstrap(group, hooks, true).bind(host, hookPort).sync().channel();
            hookPort = ((InetSocketAddress) hookListener.localAddress()).getPort();
        }
    }

    /** Forgets every count and latency (secrets and modes stay). */
    public void resetCounts() {
        ledger.reset();
    }

    /** Everything seen so far, as one JSON object. */
    public String reportJson() {
        return ledger.reportJson();
    }

    @Override
    public void close() {
        control.close().syncUninterruptibly();
        synchronized (this) {
            if (hookListener != null) {
                hookListener.close().syncUninterruptibly();
            }
        }
        hookChannels.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        controlGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ServerBootstrap bootstrap(EventLoopGroup loops, ChannelHandler handler, boolean tracked) {
        return new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                // down() then up() rebinds the same port at once, connections of the old one in TIME_WAIT.
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tracked) {
                            hookChannels.add(ch);
                        }
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(handler);
                    }
                });
    }
}
