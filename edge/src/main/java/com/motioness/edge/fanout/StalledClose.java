package com.motioness.edge.fanout;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollSocketChannel;

/**
 * Closes the connection of a client that stopped reading. Closed the ordinary way, its socket lives
 * on as an orphan in FIN-WAIT-1 holding its whole send queue while the kernel probes the client's
 * zero window: about six minutes with Linux's defaults (measured on 6.18), since the client answers
 * every probe. So when the kernel holds bytes the client refuses (Netty has bytes waiting) and shows
 * that the client acknowledged everything already sent (only its closed window holds the rest back),
 * the connection is reset instead (SO_LINGER 0): the kernel frees the queue at once, and the reset
 * reaches the client, which is answering. Otherwise, unacknowledged data means the client may be out
 * of reach for a while: the ordinary close stays, and its FIN follows the data to a client that comes
 * back. Runs once per cut connection, never per event.
 */
final class StalledClose {
    private StalledClose() {
    }

    static void close(Channel channel) {
        ChannelOutboundBuffer waiting = channel.unsafe().outboundBuffer();
        if (channel instanceof EpollSocketChannel epoll && epoll.isActive() && waiting != null
                && waiting.totalPendingWriteBytes() > 0) {
            try {
                if (epoll.tcpInfo().unacked() == 0) {
                    epoll.config().setSoLinger(0);
                }
            } catch (ChannelException e) {
                // The socket went away meanwhile: the ordinary close below is all that is left to do.
            }
        }
        channel.close();
    }
}
