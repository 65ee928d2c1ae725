package com.motioness.edge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.motioness.edge.support.EdgeProcess;
import com.motioness.edge.support.TestEdge;
import com.motioness.edge.support.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate or key that cannot be used stops the start before anything listens, with one line
 * naming the setting, the file and what is wrong; as a process, exit status 2 and nothing else
 * printed.
 */
class TlsStartTest {
    @TempDir
    Path dir;

    private static String startFails(Path cert, Path key) {
        TlsSetupException e = assertThrows(
                TlsSetupException.class,
                () -> TestEdge.start(config -> config.tlsCert(cert).tlsKey(key)).close());
        return e.getMessage();
    }

    @Test
    void aMissingCertificate() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertEquals(
                "--tls-cert " + missing + ": no such file",
                startFails(missing, TestTls.get().a.key()));
    }

    @Test
    void aKeyThatIsNotPem() throws Exception {
        Path key = dir.resolve("key.der");
        Files.write(key, new byte[] {0x30, (byte) 0x82, 0x01, 0x02, 0x03});
        assertEquals(
                "--tls-key " + key + ": no PEM private key in it (-----BEGIN PRIVATE KEY-----)",
                startFails(TestTls.get().a.cert(), key));
    }

    @Test
    void aCertificateFileWithoutACertificate() throws Exception {
        TestTls tls = TestTls.get();
        assertEquals(
                "--tls-cert " + tls.a.key() + ": holds a private key, no certificate (the key goes to --tls-key)",
                startFails(tls.a.key(), tls.a.key()));
    }

    @Test
    void aKeyOfAnotherCertificate() throws Exception {
        TestTls tls = TestTls.get();
        assertEquals(
                "--tls-key " + tls.strayEcKey + ": not the private key of --tls-cert " + tls.a.cert()
                        + " (CN=motioness-a)",
                startFails(tls.a.cert(), tls.strayEcKey));
        assertEquals(
                "--tls-key " + tls.b.key() + ": an RSA key, but the certificate of --tls-cert has an EC key: not"
                        + " its private key",
                startFails(tls.a.cert(), tls.b.key()));
    }

    @Test
    void aPkcs1KeyIsNamedWithTheCommandThatConvertsIt() throws Exception {
        Path key = dir.resolve("rsa.pem");
        Files.writeString(key, TestTls.pem("RSA PRIVATE KEY", new byte[] {0x30, 0x00}));
        assertEquals(
                "--tls-key " + key + ": a PKCS#1 RSA key, not PKCS#8; convert it: openssl pkcs8 -topk8"
                        + " -nocrypt -in " + key + " -out key.pem",
                startFails(TestTls.get().b.cert(), key));
    }

    @Test
    void aTakenCleartextPortStopsTheStartNamingIt() throws Exception {
        TestTls tls = TestTls.get();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            com.motioness.edge.transport.ListenerBindException e = assertThrows(
                    com.motioness.edge.transport.ListenerBindException.class,
                    () -> TestEdge.start(config -> config.tlsCert(tls.a.cert())
                                    .tlsKey(tls.a.key())
                                    .cleartextPort(taken.getLocalPort()))
                            .close());
            assertEquals(
                    "--cleartext-port " + taken.getLocalPort() + " on 127.0.0.1: address already in use",
                    e.getMessage());
        }
    }

    @Test
    void theProcessEndsWithOneLineNamingTheFileAndStatus2() throws Exception {
        Path missing = dir.resolve("missing.pem");
        try (EdgeProcess edge = EdgeProcess.start(
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--admin-port",
                "0",
                "--tls-cert",
                missing.toString(),
                "--tls-key",
                TestTls.get().a.key().toString())) {
            int status = edge.awaitExit(Duration.ofSeconds(20));
            String line = "error: --tls-cert " + missing + ": no such file";
            assertEquals(2, status, String.join("\n", edge.output()));
            assertEquals(List.of(line), edge.errorOutput(), "one line on stderr, no stack trace");
        }
    }
}
