package com.motioness.edge.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel send buffer of client connections ({@code --send-buffer}). A channel turns unwritable
 * only once the kernel's buffer is full, so an autotuned buffer (up to {@code tcp_wmem}'s 4 MB)
 * lets a client that stops reading pin megabytes and be cut long after the slow-consumer timeout.
 *
 * <p>On epoll it is set once, on the listening socket: Linux copies the size and its lock (which
 * turns autotuning off) to every accepted socket, so an accept costs no extra system call. NIO
 * cannot set it on a server socket, so there each accepted channel gets it.
 */
final class SendBuffer {
    private static final Logger LOG = LoggerFactory.getLogger(SendBuffer.class);

    private SendBuffer() {}

    /**
     * Sets up the bootstrap's server channel type with the send buffer of accepted sockets.
     *
     * @param bytes SO_SNDBUF (Linux keeps twice it); 0 leaves the kernel's autotuning
     */
    static void configure(ServerBootstrap bootstrap, boolean epoll, int bytes) {
        if (!epoll) {
            bootstrap.channel(NioServerSocketChannel.class);
            if (bytes > 0) {
                bootstrap.childOption(ChannelOption.SO_SNDBUF, bytes);
            }
            return;
        }
        if (bytes == 0) {
            bootstrap.channel(EpollServerSocketChannel.class);
            return;
        }
        bootstrap.channelFactory(() -> {
            EpollServerSocketChannel channel = new EpollServerSocketChannel();
            set((Socket) channel.fd(), bytes);
            return (ServerChannel) channel;
        });
    }

    private static void set(Socket listening, int bytes) {
        try {
            listening.setSendBufferSize(bytes);
            int kept = listening.getSendBufferSize();
            // The kernel caps the request at net.core.wmem_max without an error: say so once.
            if (kept < 2L * bytes) {
                LOG.warn(
                        "--send-buffer {}: the kernel keeps {} bytes, not {} (net.core.wmem_max is lower)",
                        bytes,
                        kept,
                        2L * bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--send-buffer " + bytes + ": " + e.getMessage(), e);
        }
    }
}
