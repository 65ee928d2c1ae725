package com.motioness.edge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's view of one TCP connection, read from {@code /proc/net/tcp} and {@code tcp6} (Linux):
 * what the edge's side of a connection holds in its send queue, whatever Netty thinks. The edge's
 * sockets are IPv6 (mapped IPv4 addresses) under epoll, IPv4 under NIO; both files are read.
 */
public final class KernelSockets {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    /** One row of the table: its state (as {@code include/net/tcp_states.h} numbers them) and queues in bytes. */
    public record Row(int state, long sendQueue, long receiveQueue) {}

    private KernelSockets() {}

    /** True when this machine has the tables (Linux). */
    public static boolean available() {
        return Files.isReadable(TABLES.get(0));
    }

    /**
     * The socket whose local port is {@code localPort} and whose peer's port is {@code remotePort},
     * or null when there is none (closed, or never was).
     */
    public static Row find(int localPort, int remotePort) {
        for (String[] fields : rows()) {
            if (port(fields[1]) == localPort && port(fields[2]) == remotePort) {
                int colon = fields[4].indexOf(':');
                return new Row(
                        Integer.parseInt(fields[3], 16),
                        Long.parseLong(fields[4].substring(0, colon), 16),
                        Long.parseLong(fields[4].substring(colon + 1), 16));
            }
        }
        return null;
    }

    /** How many sockets listen on {@code localPort} (state LISTEN, 0x0A), over both tables. */
    public static int listening(int localPort) {
        int count = 0;
        for (String[] fields : rows()) {
            if (port(fields[1]) == localPort && Integer.parseInt(fields[3], 16) == 0x0A) {
                count++;
            }
        }
        return count;
    }

    /** Every row of both tables, split into fields: sl local_address rem_address st tx_queue:rx_queue ... */
    private static List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // Addresses end in :PORT, all hex; the first line is the header.
            for (int i = 1; i < lines.size(); i++) {
                rows.add(lines.get(i).trim().split("\\s+"));
            }
        }
        return rows;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }
}
