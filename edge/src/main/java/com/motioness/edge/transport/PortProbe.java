package com.motioness.edge.transport;

import java.io.IOException;
import java.net.ServerSocket;

/**
 * Makes sure a port is free before the edge binds it with SO_REUSEPORT. That option lets any other
 * process of the same user bind the port too and take a share of its connections: a second edge
 * started on the same port by mistake would start and serve half the clients, where without it the
 * bind fails. A plain bind (SO_REUSEADDR only, as the edge's own) fails on a port anyone listens
 * on, so the edge refuses to start as before, with the same one line. {@code --reuse-port} asks
 * for the sharing and skips this.
 */
final class PortProbe {
    private PortProbe() {}

    /** @throws ListenerBindException something listens on {@code host:port}, or it cannot be bound */
    static void requireFree(String setting, String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(ListenerBindException.address(setting, host, port));
        } catch (IOException e) {
            throw ListenerBindException.of(setting, host, port, e);
        }
    }
}
