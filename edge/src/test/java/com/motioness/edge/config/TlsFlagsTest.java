package com.motioness.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The TLS flags: certificate and key together or not at all, the provider, the reload check, the cleartext port. */
class TlsFlagsTest {
    @Test
    void offByDefault() {
        TlsSettings tls = EdgeCommandLine.parse().tls();
        assertFalse(tls.enabled());
        assertEquals(TlsSettings.Provider.AUTO, tls.provider());
        assertEquals(Duration.ofSeconds(60), tls.reloadCheck());
        assertNull(tls.cleartextPort());
    }

    @Test
    void flagsAndVariablesParse() {
        TlsSettings tls = EdgeCommandLine.parse(
                        Map.of("MOTIONESS_TLS_PROVIDER", "jdk"),
                        "--tls-cert",
                        "cert.pem",
                        "--tls-key",
                        "key.pem",
                        "--tls-reload-check",
                        "200ms",
                        "--cleartext-port",
                        "8081")
                .tls();
        assertTrue(tls.enabled());
        assertEquals(Path.of("cert.pem"), tls.cert());
        assertEquals(Path.of("key.pem"), tls.key());
        assertEquals(TlsSettings.Provider.JDK, tls.provider());
        assertEquals(Duration.ofMillis(200), tls.reloadCheck());
        assertEquals(8081, tls.cleartextPort());
        assertEquals(
                TlsSettings.Provider.OPENSSL,
                EdgeCommandLine.parse("--tls-cert", "c", "--tls-key", "k", "--tls-provider", "openssl")
                        .tls()
                        .provider());
    }

    @Test
    void badCombinationsNameTheirFlag() {
        assertEquals(
                "--tls-cert needs --tls-key: give both or neither",
                assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--tls-cert", "c"))
                        .getMessage());
        assertEquals(
                "--tls-key needs --tls-cert: give both or neither",
                assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--tls-key", "k"))
                        .getMessage());
        assertEquals(
                "--cleartext-port needs --tls-cert and --tls-key: without them --port is cleartext already",
                assertThrows(IllegalArgumentException.class, () -> EdgeCommandLine.parse("--cleartext-port", "8081"))
                        .getMessage());
        assertEquals(
                "--cleartext-port must differ from --port, both are 8443",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> EdgeCommandLine.parse(
                                        "--port",
                                        "8443",
                                        "--tls-cert",
                                        "c",
                                        "--tls-key",
                                        "k",
                                        "--cleartext-port",
                                        "8443"))
                        .getMessage());
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> EdgeCommandLine.parse("--tls-cert", "c", "--tls-key", "k", "--tls-reload-check", "10ms"))
                .getMessage()
                .contains("--tls-reload-check"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> EdgeCommandLine.parse("--tls-cert", "c", "--tls-key", "k", "--tls-provider", "gnutls"))
                .getMessage()
                .contains("--tls-provider"));
    }
}
