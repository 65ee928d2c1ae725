package com.motioness.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.EdgeProcess;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.TestEdge;
import com.motioness.edge.transport.ListenerBindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A listener that cannot bind (its port taken by another process) stops the edge at once: one line
 * on stderr naming the setting and the address, exit status 1, no stack trace, no thread left
 * running, and the other port never served. A supervisor restarting it sees why in its log.
 */
class ListenerBindTest {
    /**
     * From the JVM's start: most of it is the JVM starting (about 1 s on an idle two-core machine, up
     * to 3.5 s measured while other builds loaded it). A hung JVM never exits at all. The failure
     * itself, from the bind to released, is timed in-process below: under a second.
     */
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(10);

    /** Another process's listener on a free loopback port, as a demo or a second edge would hold it. */
    private static ServerSocket taken() throws Exception {
        return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @Test
    void aTakenPortEndsTheProcessWithOneLineAndStatus1() throws Exception {
        try (ServerSocket taken = taken();
                EdgeProcess edge = EdgeProcess.start(
                        "--port",
                        Integer.toString(taken.getLocalPort()),
                        "--bind",
                        "127.0.0.1",
                        "--admin-port",
                        "0",
                        "--demo")) {
            assertExitsWithOneLine(
                    edge, "error: --port " + taken.getLocalPort() + " on 127.0.0.1: address already in use");
        }
    }

    @Test
    void aTakenAdminPortEndsTheProcessWithOneLineAndStatus1() throws Exception {
        try (ServerSocket taken = taken();
                EdgeProcess edge = EdgeProcess.start(
                        "--port",
                        "0",
                        "--bind",
                        "127.0.0.1",
                        "--admin-port",
                        Integer.toString(taken.getLocalPort()),
                        "--demo")) {
            // Nothing else is printed: the public port was never served ("edge listening" never logged).
            assertExitsWithOneLine(
                    edge, "error: --admin-port " + taken.getLocalPort() + " on 127.0.0.1: address already in use");
        }
    }

    private static void assertExitsWithOneLine(EdgeProcess edge, String line) throws InterruptedException {
        long started = System.nanoTime();
        int status = edge.awaitExit(EXIT_WITHIN);
        System.out.println("ListenerBindTest: exit " + status + " " + (System.nanoTime() - started) / 1_000_000
                + " ms after the JVM was started");
        assertEquals(1, status, String.join("\n", edge.output()));
        assertEquals(List.of(line), edge.errorOutput(), "one line on stderr, no stack trace");
        assertEquals(List.of(line), edge.output(), "nothing on stdout");
    }

    @Test
    void aFailedStartThrowsAtOnceAndLeavesNoThreadBehind() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        try (ServerSocket taken = taken()) {
            int port = taken.getLocalPort();
            ListenerBindException e =
                    assertThrows(ListenerBindException.class, () -> TestEdge.start(config -> config.adminPort(port)));
            assertEquals("--admin-port " + port + " on 127.0.0.1: address already in use", e.getMessage());

            // Timed once the classes are loaded: loading them belongs to the JVM's start, which the
            // process tests above include.
            long started = System.nanoTime();
            e = assertThrows(ListenerBindException.class, () -> TestEdge.start(config -> config.port(port)));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals("--port " + port + " on 127.0.0.1: address already in use", e.getMessage());
            assertTrue(millis < 1000, "failed and released in " + millis + " ms");
            System.out.println("ListenerBindTest: a start on a taken port failed and released in " + millis + " ms");
        }
        // The event loops were shut down, not left to keep a JVM alive whose main thread has ended.
        Poll.until(
                () -> before.containsAll(nonDaemonThreads()),
                Duration.ofSeconds(3),
                "no thread of the failed starts left running: "
                        + nonDaemonThreads().stream()
                                .filter(thread -> !before.contains(thread))
                                .map(Thread::getName)
                                .collect(Collectors.toList()));
    }

    @Test
    void aPublicPortBoundBeforeAFailedAdminPortIsFreedAgain() throws Exception {
        int port;
        try (ServerSocket probe = taken()) {
            port = probe.getLocalPort();
        }
        try (ServerSocket taken = taken()) {
            assertThrows(
                    ListenerBindException.class,
                    () -> TestEdge.start(config -> config.port(port).adminPort(taken.getLocalPort())));
        }
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "the public port was let go");
        }
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !thread.isDaemon() && thread.isAlive())
                .collect(Collectors.toSet());
    }
}
