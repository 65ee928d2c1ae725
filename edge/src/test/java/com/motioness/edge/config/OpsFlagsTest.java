package com.motioness.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operations flags: admin port, drain window, access log; each refused by name when wrong. */
class OpsFlagsTest {
    private static final List<String> FLAGS = List.of("--admin-port", "--admin-bind", "--drain-window", "--access-log");

    @Test
    void defaultsKeepTheAdminPortOnLoopback() {
        EdgeConfig config = EdgeCommandLine.parse();
        assertEquals(9080, config.ops().adminPort(), "--port + 1000; never Prometheus's 9090");
        assertEquals("127.0.0.1", config.ops().adminBind());
        assertEquals(java.time.Duration.ofSeconds(20), config.ops().drainWindow());
        assertEquals(1.0, config.ops().accessLogSample());
    }

    @Test
    void theDefaultAdminPortFollowsThePortSoEdgesOnOneMachineDoNotCollide() {
        assertEquals(9081, EdgeCommandLine.parse("--port", "8081").ops().adminPort());
        assertEquals(
                9082,
                EdgeCommandLine.parse(java.util.Map.of("MOTIONESS_PORT", "8082"))
                        .ops()
                        .adminPort(),
                "from the port wherever it was set");
        assertEquals(0, EdgeCommandLine.parse("--port", "0").ops().adminPort(), "a free port beside a free port");
        assertEquals(
                7000,
                EdgeCommandLine.parse("--port", "8081", "--admin-port", "7000")
                        .ops()
                        .adminPort(),
                "given: as given");
        assertEquals(
                -1,
                EdgeCommandLine.parse(java.util.Map.of("MOTIONESS_ADMIN_PORT", "-1"), "--port", "8081")
                        .ops()
                        .adminPort());
        assertEquals(9080, EdgeConfig.builder().build().ops().adminPort(), "the builder derives it too");
        assertEquals(0, EdgeConfig.builder().port(0).build().ops().adminPort());
        assertEquals(
                "--admin-port defaults to --port + 1000, past 65535 for --port 65000: give --admin-port (-1: none)",
                assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--port", "65000"))
                        .getMessage());
        assertEquals(
                65_535,
                EdgeCommandLine.parse("--port", "65000", "--admin-port", "65535")
                        .ops()
                        .adminPort());
    }

    @Test
    void flagsParse() {
        EdgeConfig config = EdgeCommandLine.parse("--admin-port", "0", "--admin-bind", "0.0.0.0");
        assertEquals(0, config.ops().adminPort());
        assertEquals("0.0.0.0", config.ops().adminBind());
        assertEquals(-1, EdgeCommandLine.parse("--admin-port", "-1").ops().adminPort(), "-1 turns the admin port off");
        assertEquals(
                java.time.Duration.ZERO,
                EdgeCommandLine.parse("--drain-window", "0s").ops().drainWindow());
        assertEquals(
                java.time.Duration.ofSeconds(45),
                EdgeCommandLine.parse("--drain-window", "45s").ops().drainWindow());
        assertEquals(0.0, EdgeCommandLine.parse("--access-log", "off").ops().accessLogSample());
        assertEquals(1.0, EdgeCommandLine.parse("--access-log", "on").ops().accessLogSample());
        assertEquals(0.25, EdgeCommandLine.parse("--access-log", "0.25").ops().accessLogSample());
    }

    @Test
    void badValuesNameTheirFlag() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--admin-port", "70000"))
                .getMessage()
                .contains("--admin-port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--admin-port", "-2"))
                .getMessage()
                .contains("--admin-port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--admin-bind", " "))
                .getMessage()
                .contains("--admin-bind"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--drain-window", "2h"))
                .getMessage()
                .contains("--drain-window"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--access-log", "1.5"))
                .getMessage()
                .contains("--access-log"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--access-log", "sometimes"))
                        .getMessage()
                        .contains("--access-log"));
    }

    @Test
    void helpListsThem() {
        StringWriter out = new StringWriter();
        assertEquals(
                0,
                EdgeCommandLine.run(
                        new String[] {"--help"},
                        java.util.Map.of(),
                        config -> 1,
                        new PrintWriter(out),
                        new PrintWriter(new StringWriter())));
        for (String flag : FLAGS) {
            assertTrue(out.toString().contains(flag), flag + " in --help");
        }
        assertTrue(
                out.toString()
                        .replaceAll("\\s+", " ")
                        .contains("(default: --port + 1000, so 9080 beside 8080; a free " + "one with --port 0)"),
                out.toString());
    }
}
