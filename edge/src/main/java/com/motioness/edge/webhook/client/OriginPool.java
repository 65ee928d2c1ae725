package com.motioness.edge.webhook.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive connections to one origin, all on one event loop, which owns this pool's state (no
 * locks). At most {@code maxConnections} are open (connecting, busy or idle); an attempt that finds
 * none free waits in a FIFO bounded by {@code maxQueued} ({@code POOL_FULL} beyond it) until a
 * connection is given back or a place frees up, or until its own timeout. Idle connections are
 * reused most recent first and closed after the idle time. A hanging origin fills only its own pool.
 */
final class OriginPool {
    private final Origin origin;
    private final EventLoop loop;
    private final OriginConnector connector;
    private final int maxConnections;
    private final int maxQueued;
    private final long idleNanos;

    private final ArrayDeque<AttemptHandler> idle = new ArrayDeque<>();
    private final ArrayDeque<Attempt> queued = new ArrayDeque<>();
    private final Set<Channel> channels = new HashSet<>();
    private int open;
    private long opened;
    private boolean closed;

    OriginPool(
            Origin origin,
            EventLoop loop,
            OriginConnector connector,
            int maxConnections,
            int maxQueued,
            long idleNanos) {
        this.origin = origin;
        this.loop = loop;
        this.connector = connector;
        this.maxConnections = maxConnections;
        this.maxQueued = maxQueued;
        this.idleNanos = idleNanos;
    }

    EventLoop loop() {
        return loop;
    }

    /** Starts {@code attempt}: its timeout, then a connection for it; on the loop. */
    void start(Attempt attempt) {
        if (closed) {
            attempt.finish(0, AttemptOutcomes.CLIENT_CLOSED, "the webhook client is closed");
            return;
        }
        attempt.timeout =
                loop.schedule(() -> timedOut(attempt), Math.max(0, attempt.remainingNanos()), TimeUnit.NANOSECONDS);
        AttemptHandler free = takeIdle();
        if (free != null) {
            exchange(free, attempt);
        } else if (open < maxConnections) {
            connect(attempt);
        } else if (queued.size() < maxQueued) {
            attempt.phase = Attempt.Phase.QUEUED;
            attempt.waited = true;
            queued.addLast(attempt);
        } else {
            attempt.finish(0, AttemptOutcomes.POOL_FULL, "too many attempts waiting for a connection to " + origin);
        }
    }

    /** A connection whose exchange ended cleanly: to the next queued attempt, or idle. */
    void release(Channel channel, AttemptHandler handler) {
        Attempt next = nextQueued();
        if (closed) {
            channel.close();
        } else if (next != null) {
            exchange(handler, next);
        } else {
            idle.addFirst(handler);
            handler.idle(idleNanos);
        }
    }

    /** A snapshot for tests and metrics; on the loop. */
    PoolStats stats() {
        return new PoolStats(opened, open, idle.size(), queued.size());
    }

    /** Ends every attempt with {@code CLIENT_CLOSED} and closes every connection; on the loop. */
    void close() {
        closed = true;
        for (Attempt attempt = queued.pollFirst(); attempt != null; attempt = queued.pollFirst()) {
            attempt.finish(0, AttemptOutcomes.CLIENT_CLOSED, "the webhook client is closed");
        }
        for (Channel channel : Set.copyOf(channels)) {
            AttemptHandler handler = channel.pipeline().get(AttemptHandler.class);
            if (handler != null) {
                handler.abort(AttemptOutcomes.CLIENT_CLOSED, "the webhook client is closed");
            } else {
                channel.close();
            }
        }
    }

    private void timedOut(Attempt attempt) {
        if (!attempt.timedOut()) {
            return;
        }
        if (attempt.phase == Attempt.Phase.QUEUED) {
            queued.remove(attempt);
        } else if (attempt.channel != null) {
            // Whatever the connection was doing for this attempt, it cannot be reused: close it.
            attempt.channel.close();
        }
    }

    private AttemptHandler takeIdle() {
        for (AttemptHandler handler = idle.pollFirst(); handler != null; handler = idle.pollFirst()) {
            if (handler.isActive()) {
                return handler;
            }
        }
        return null;
    }

    private Attempt nextQueued() {
        for (Attempt attempt = queued.pollFirst(); attempt != null; attempt = queued.pollFirst()) {
            if (attempt.remainingNanos() <= 0) {
                // Its timeout task has not run yet: a connection now would be wasted on it.
                attempt.timedOut();
            } else if (!attempt.done()) {
                return attempt;
            }
        }
        return null;
    }

    private void exchange(AttemptHandler handler, Attempt attempt) {
        attempt.phase = Attempt.Phase.EXCHANGING;
        attempt.channel = handler.channel();
        handler.start(attempt);
    }

    private void connect(Attempt attempt) {
        open++;
        attempt.phase = Attempt.Phase.RESOLVING;
        connector.resolve(origin.host(), loop.newPromise()).addListener(resolved -> {
            if (!resolved.isSuccess() || attempt.done() || closed) {
                open--;
                if (!resolved.isSuccess()) {
                    attempt.failed(resolved.cause());
                } else {
                    attempt.finish(0, AttemptOutcomes.CLIENT_CLOSED, "the webhook client is closed");
                }
                connectQueued();
                return;
            }
            connectTo((InetAddress) resolved.getNow(), attempt);
        });
    }

    private void connectTo(InetAddress address, Attempt attempt) {
        attempt.phase = Attempt.Phase.CONNECTING;
        opened++;
        Bootstrap bootstrap = connector.bootstrap(loop, origin, this);
        ChannelFuture connected = bootstrap.connect(new InetSocketAddress(address, origin.port()));
        Channel channel = connected.channel();
        attempt.channel = channel;
        channels.add(channel);
        channel.closeFuture().addListener(closedFuture -> closed(channel));
        connected.addListener(done -> {
            if (!done.isSuccess()) {
                attempt.failed(done.cause());
                channel.close();
                return;
            }
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                ready(channel, attempt);
                return;
            }
            attempt.phase = Attempt.Phase.HANDSHAKING;
            tls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    ready(channel, attempt);
                } else {
                    attempt.finish(0, AttemptOutcomes.TLS, AttemptOutcomes.messageOf(handshake.cause()));
                    channel.close();
                }
            });
        });
    }

    private void ready(Channel channel, Attempt attempt) {
        AttemptHandler handler = channel.pipeline().get(AttemptHandler.class);
        if (attempt.done()) {
            // It timed out just as its connection came up: the connection serves the next one.
            release(channel, handler);
        } else {
            exchange(handler, attempt);
        }
    }

    private void closed(Channel channel) {
        channels.remove(channel);
        idle.removeIf(handler -> handler.channel() == channel);
        open--;
        connectQueued();
    }

    private void connectQueued() {
        while (!closed && open < maxConnections) {
            Attempt next = nextQueued();
            if (next == null) {
                return;
            }
            connect(next);
        }
    }
}
