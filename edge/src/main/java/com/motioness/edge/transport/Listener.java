package com.motioness.edge.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One listening port of the edge, bound but accepting nothing until {@link #startAccepting()}. On
 * epoll it is a socket per event loop, each bound with SO_REUSEPORT and accepting onto its own loop
 * (the kernel spreads new connections over them); on NIO, one socket on the boss loop, which hands
 * each connection to an I/O loop.
 */
public final class Listener {
    private final List<Channel> sockets;

    Listener(List<Channel> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    /** The address it listens on: with port 0, the port it was given. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) sockets.get(0).localAddress();
    }

    /** Takes connections from now on, those waiting in the backlog first. */
    public void startAccepting() {
        for (Channel socket : sockets) {
            socket.config().setAutoRead(true);
        }
    }

    /** Stops listening without waiting: new connections are refused, open ones are left alone. */
    public void close() {
        for (Channel socket : sockets) {
            socket.close();
        }
    }

    /** As {@link #close()}, and returns once every socket is closed. */
    public void closeAndWait() {
        for (Channel socket : sockets) {
            socket.close().syncUninterruptibly();
        }
    }
}
