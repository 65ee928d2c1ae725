package com.motioness.edge.http;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;

/**
 * The open HTTP/2 connections of a server, so that a drain reaches them: each sends GOAWAY with the
 * last stream it took, so its client opens no new stream there, and closes once its open streams
 * have ended (the drain ends them as it ends HTTP/1 streams). One set entry per connection.
 */
final class Http2Connections {
    private final ChannelGroup open = new DefaultChannelGroup("h2", ImmediateEventExecutor.INSTANCE);

    /** Remembers an HTTP/2 connection until it closes. */
    void add(Channel connection) {
        open.add(connection);
    }

    /**
     * Sends GOAWAY on each connection: Netty's codec closes a connection gracefully, GOAWAY
     * (NO_ERROR, the last stream id) first, the close itself after its last stream.
     */
    void goAway() {
        for (Channel connection : open) {
            connection.close();
        }
    }
}
