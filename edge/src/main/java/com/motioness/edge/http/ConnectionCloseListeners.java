package com.motioness.edge.http;

import com.motioness.edge.limits.ConnectionLimit;
import com.motioness.edge.metrics.RequestCounters;
import com.motioness.edge.metrics.RequestCounters.Protocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * The one close listener of a client connection: it gives the connection's place back to the
 * {@link ConnectionLimit} and, once the connection's protocol is known, counts it closed. A second
 * listener on the close future would cost every connection a listener list for its whole life (48 B
 * of the 1.9 KB an idle stream keeps), so the release alone is swapped for release-and-count when
 * the protocol is known. Shared by a listener's connections; the listeners are made once.
 */
final class ConnectionCloseListeners {
    private final RequestCounters counters;
    private final ChannelFutureListener release;
    /** By protocol and TLS: give the place back, then count the close. */
    private final ChannelFutureListener[] releaseAndCount;
    /** By protocol and TLS: count the close only, for a connection whose place is already given back. */
    private final ChannelFutureListener[] count;

    ConnectionCloseListeners(ConnectionLimit connections, RequestCounters counters) {
        this.counters = counters;
        this.release = closed -> connections.closed();
        this.releaseAndCount = new ChannelFutureListener[Protocol.values().length * 2];
        this.count = new ChannelFutureListener[releaseAndCount.length];
        for (Protocol protocol : Protocol.values()) {
            for (int tls = 0; tls < 2; tls++) {
                boolean overTls = tls == 1;
                count[index(protocol, overTls)] = closed -> counters.connectionClosed(protocol, overTls);
                releaseAndCount[index(protocol, overTls)] = closed -> {
                    connections.closed();
                    counters.connectionClosed(protocol, overTls);
                };
            }
        }
    }

    private static int index(Protocol protocol, boolean tls) {
        return protocol.ordinal() * 2 + (tls ? 1 : 0);
    }

    /** A connection took its place: it is given back when the connection closes. */
    void opened(Channel channel) {
        channel.closeFuture().addListener(release);
    }

    /** The connection speaks {@code protocol}: counted open now, and closed when it closes. On its loop. */
    void counted(Channel channel, Protocol protocol, boolean tls) {
        counters.connectionOpened(protocol, tls);
        ChannelFuture closed = channel.closeFuture();
        if (closed.isDone()) {
            // Closed already: its place was given back; the close is counted at once, as before.
            closed.addListener(count[index(protocol, tls)]);
            return;
        }
        closed.removeListener(release);
        closed.addListener(releaseAndCount[index(protocol, tls)]);
    }
}
