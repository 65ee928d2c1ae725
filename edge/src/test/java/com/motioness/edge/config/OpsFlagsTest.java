package com.motioness.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operations flags: the admin port, and how it is refused when wrong. */
class OpsFlagsTest {
    private static final List<String> FLAGS = List.of("--admin-port", "--admin-bind");

    @Test
    void defaultsKeepTheAdminPortOnLoopback() {
        EdgeConfig config = EdgeCommandLine.parse();
        assertEquals(9090, config.adminPort());
        assertEquals("127.0.0.1", config.adminBind());
    }

    @Test
    void flagsParse() {
        EdgeConfig config = EdgeCommandLine.parse("--admin-port", "0", "--admin-bind", "0.0.0.0");
        assertEquals(0, config.adminPort());
        assertEquals("0.0.0.0", config.adminBind());
        assertEquals(-1, EdgeCommandLine.parse("--admin-port", "-1").adminPort(), "-1 turns the admin port off");
    }

    @Test
    void badValuesNameTheirFlag() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--admin-port", "70000"))
                .getMessage().contains("--admin-port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--admin-port", "-2"))
                .getMessage().contains("--admin-port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--admin-bind", " "))
                .getMessage().contains("--admin-bind"));
    }

    @Test
    void helpListsThem() {
        StringWriter out = new StringWriter();
        assertEquals(0, EdgeCommandLine.run(new String[] {"--help"}, config -> 1, new PrintWriter(out),
                new PrintWriter(new StringWriter())));
        for (String flag : FLAGS) {
            assertTrue(out.toString().contains(flag), flag + " in --help");
        }
    }
}
