package com.motioness.edge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.config.TlsSettings;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Lifecycle;
import com.motioness.edge.support.NodeScript;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RealClients;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.edge.support.TestTls;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The public port with TLS, over real sockets, with each provider: streams over HTTPS as over
 * cleartext (curl, a JDK client), TLS 1.2 and 1.3 accepted and TLS 1.1 refused, ALPN preferring h2 to
 * {@code http/1.1}, sessions resumed, each handshake counted, and the cleartext listener beside it.
 */
class TlsPortTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    private TestEdge start(TlsSettings.Provider provider) throws Exception {
        TestTls tls = TestTls.get();
        edge = TestEdge.start(
                config -> config.tlsCert(tls.a.cert()).tlsKey(tls.a.key()).tlsProvider(provider));
        return edge;
    }

    @Test
    void openSslLoadsOnThisMachine() {
        assertTrue(OpenSsl.isAvailable(), "OpenSSL (netty-tcnative BoringSSL): " + OpenSsl.unavailabilityCause());
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void curlReadsAStreamOverHttpsWithItsIdsOnHttp11(TlsSettings.Provider provider) throws Exception {
        start(provider);
        List<EventId> ids = edge.append(
                Events.of(EventType.QUEUED, TestEdge.PROJECT, "tls-curl"),
                Events.of(EventType.READY, TestEdge.PROJECT, "tls-curl"));

        // The stream ends at ready, so curl ends with it.
        List<String> output = run(
                "curl",
                "-sS",
                "-N",
                "--max-time",
                "10",
                "--cacert",
                TestTls.get().caFile.toString(),
                "--resolve",
                "localhost:" + edge.port() + ":127.0.0.1",
                "-w",
                "\nhttp_version=%{http_version}\n",
                "https://localhost:" + edge.port() + TestEdge.assetPath("tls-curl"));
        assertTrue(output.contains("id: " + ids.get(0)), String.join("\n", output));
        assertTrue(output.contains("id: " + ids.get(1)), String.join("\n", output));
        assertTrue(output.contains("event: ready"), String.join("\n", output));
        assertEquals("http_version=2", output.get(output.size() - 1), "curl offers h2 and http/1.1: h2 is chosen");
        Poll.until(
                () -> edge.counter("motioness_tls_handshakes_total{result=\"ok\"}") >= 1,
                WAIT,
                "the handshake counted as ok");
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void tls12And13AreAcceptedAndAlpnAnswersHttp11(TlsSettings.Provider provider) throws Exception {
        start(provider);
        TestTls tls = TestTls.get();
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
            String asset = "tls-" + version;
            EventId id = edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, asset))
                    .get(0);
            SSLSocket socket = tls.connect(edge.port(), version);
            assertEquals(version, socket.getSession().getProtocol());
            assertEquals("http/1.1", socket.getApplicationProtocol(), "a client offering http/1.1 alone gets it");
            try (SseClient stream = SseClient.openOn(socket, TestEdge.assetPath(asset))) {
                assertEquals(200, stream.status());
                SseBlock event = stream.nextEvent(WAIT);
                assertEquals(id.toString(), event.id());
                assertEquals("queued", event.event());
            }
            String negotiated = "motioness_tls_negotiated_total{alpn=\"http/1.1\",protocol=\"" + version + "\"}";
            Poll.until(() -> edge.counter(negotiated) == 1, WAIT, negotiated + " counted once");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void tls11AndCleartextAreRefusedAndCountedAsFailed(TlsSettings.Provider provider) throws Exception {
        start(provider);
        try (Socket socket = HttpWire.connect(edge.port())) {
            socket.getOutputStream().write(tls11ClientHello());
            byte[] answer = socket.getInputStream().readAllBytes();
            // An alert record (21) or nothing at all, never a ServerHello (a handshake record, 22).
            assertTrue(answer.length == 0 || answer[0] == 21, "answered with record type " + answer[0]);
        }
        Poll.until(
                () -> edge.counter("motioness_tls_handshake_failures_total{reason=\"protocol_version\"}") == 1,
                WAIT,
                "TLS 1.1 counted as protocol_version");

        try (Socket socket = HttpWire.connect(edge.port())) {
            socket.getOutputStream()
                    .write(HttpWire.request("GET", TestEdge.assetPath("x"), null)
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] answer = socket.getInputStream().readAllBytes();
            assertFalse(new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/"), "no HTTP answer");
        }
        Poll.until(
                () -> edge.counter("motioness_tls_handshake_failures_total{reason=\"not_tls\"}") == 1,
                WAIT,
                "cleartext counted as not_tls");
        assertEquals(2.0, edge.counter("motioness_tls_handshakes_total{result=\"failed\"}"));
        assertEquals(0.0, edge.counter("motioness_tls_handshakes_total{result=\"ok\"}"));
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void noSharedCipherAndARefusedCertificateAreCountedByReason(TlsSettings.Provider provider) throws Exception {
        start(provider);
        TestTls tls = TestTls.get();
        // A TLS 1.2 client with only a CBC suite: none of the edge's AEAD suites.
        try (SSLSocket socket =
                (SSLSocket) tls.clientContext().getSocketFactory().createSocket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", edge.port()), 5_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
            assertThrows(javax.net.ssl.SSLException.class, socket::startHandshake);
        }
        Poll.until(
                () -> edge.counter("motioness_tls_handshake_failures_total{reason=\"no_shared_cipher\"}") == 1,
                WAIT,
                "counted as no_shared_cipher");

        // A client that does not trust the test CA refuses the edge's certificate.
        SSLContext untrusting = SSLContext.getInstance("TLS");
        untrusting.init(null, null, null);
        assertThrows(
                javax.net.ssl.SSLException.class,
                () -> tls.connect(untrusting, edge.port()).close());
        Poll.until(
                () -> edge.counter("motioness_tls_handshake_failures_total{reason=\"certificate\"}") == 1,
                WAIT,
                "counted as certificate");
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void aSessionIsResumedWithATicket(TlsSettings.Provider provider) throws Exception {
        RealClients.requireOpenssl();
        start(provider);
        for (String version : List.of("-tls1_2", "-tls1_3")) {
            Path session = dir.resolve("session" + version);
            List<String> first = sClient(version, "-sess_out", session.toString());
            assertTrue(first.stream().anyMatch(line -> line.startsWith("New,")), String.join("\n", first));
            List<String> second = sClient(version, "-sess_in", session.toString());
            assertTrue(
                    second.stream().anyMatch(line -> line.startsWith("Reused,")),
                    version + " resumed: " + String.join("\n", second));
        }
    }

    @Test
    void theSameClientContextResumesOverTheJdk() throws Exception {
        start(TlsSettings.Provider.AUTO);
        TestTls tls = TestTls.get();
        SSLContext client = tls.clientContext();
        byte[] first;
        try (SSLSocket socket = tls.connect(client, edge.port(), "TLSv1.2")) {
            first = socket.getSession().getId();
        }
        try (SSLSocket socket = tls.connect(client, edge.port(), "TLSv1.2")) {
            assertEquals(
                    java.util.HexFormat.of().formatHex(first),
                    java.util.HexFormat.of().formatHex(socket.getSession().getId()),
                    "the second connection resumed the first one's session");
        }
    }

    @Test
    void theCleartextListenerServesTheSameRoutesBesideTheTlsPort() throws Exception {
        TestTls tls = TestTls.get();
        edge = TestEdge.start(
                config -> config.tlsCert(tls.a.cert()).tlsKey(tls.a.key()).cleartextPort(0));
        int cleartext = edge.server().cleartextPort();
        assertTrue(cleartext > 0 && cleartext != edge.port());
        EventId id = edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "both"))
                .get(0);
        try (SseClient plain = SseClient.open(cleartext, TestEdge.assetPath("both"));
                SseClient secure = SseClient.openOn(tls.connect(edge.port()), TestEdge.assetPath("both"))) {
            assertEquals(id.toString(), plain.nextEvent(WAIT).id());
            assertEquals(id.toString(), secure.nextEvent(WAIT).id());
        }
        assertEquals(404, HttpWire.get(cleartext, "/nowhere").status(), "the same router");
    }

    @Test
    void theNpmEventSourceFollowsAStreamOverHttps() throws Exception {
        RealClients.requireEventSource();
        start(TlsSettings.Provider.AUTO);
        List<String> expected = edge.publish(Lifecycle.of(TestEdge.PROJECT, "es-tls"), Duration.ZERO);
        try (NodeScript client = NodeScript.start(
                RealClients.EVENTSOURCE_DIR,
                Map.of("NODE_EXTRA_CA_CERTS", TestTls.get().caFile.toString()),
                "es-client.mjs",
                "https://127.0.0.1:" + edge.port() + TestEdge.assetPath("es-tls"),
                "20000")) {
            assertTrue(client.awaitExit(Duration.ofSeconds(30)), "the client stops by itself");
            String report = client.report();
            List<String> seen = new ArrayList<>();
            Matcher event = Pattern.compile("\\{\"id\":\"([^\"]*)\",\"type\":\"([a-z0-9_]+)\"}")
                    .matcher(report);
            while (event.find()) {
                seen.add(event.group(1) + " " + event.group(2));
            }
            assertEquals(expected, seen, "every event once, in order, over TLS");
            assertTrue(report.contains("\"closed\":true"), "204 after ready ends it for good: " + report);
        }
    }

    @Test
    void aClientThatSendsNoRequestAfterItsHandshakeGetsTheRequestTimeout() throws Exception {
        TestTls tls = TestTls.get();
        edge = TestEdge.start(
                config -> config.tlsCert(tls.a.cert()).tlsKey(tls.a.key()).headerTimeout(Duration.ofMillis(300)));
        try (SSLSocket socket = tls.connect(edge.port())) {
            // Its HTTP handlers came after the connection was active: the timeout starts with them.
            assertEquals(408, HttpWire.readResponse(socket.getInputStream()).status());
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void alpnPrefersH2AndTheConnectionCountsAsHttp2OverTls(TlsSettings.Provider provider) throws Exception {
        start(provider);
        TestTls tls = TestTls.get();
        String h2Open = "motioness_connections_by_protocol{protocol=\"h2\",tls=\"true\"}";
        try (SSLSocket socket =
                tls.connectOffering(tls.clientContext(), edge.port(), new String[] {"http/1.1", "h2"})) {
            assertEquals("h2", socket.getApplicationProtocol(), "the server's order: h2 first");
            Poll.until(() -> edge.counter(h2Open) == 1, WAIT, h2Open);
            Poll.until(
                    () -> edge.counter("motioness_tls_negotiated_total{alpn=\"h2\",protocol=\"TLSv1.3\"}") == 1,
                    WAIT,
                    "negotiated h2 counted");
        }
        Poll.until(() -> edge.counter(h2Open) == 0, WAIT, "closed, no longer counted");
    }

    private List<String> sClient(String version, String... session) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + edge.port(),
                "-servername",
                "localhost",
                version,
                "-CAfile",
                TestTls.get().caFile.toString(),
                "-ign_eof"));
        command.addAll(List.of(session));
        // A request that closes the connection: s_client reads until then, so a TLS 1.3 ticket (sent
        // after the handshake) arrives before it writes the session out.
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write("GET /nowhere HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        }
        return collect(process);
    }

    private static List<String> run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        return collect(process);
    }

    private static List<String> collect(Process process) throws IOException, InterruptedException {
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the command ended");
        return output.lines().toList();
    }

    /**
     * A TLS 1.1 ClientHello (client_version 3.2) offering two CBC suites a TLS 1.1 client would
     * send, no extensions: what an old client's first bytes look like.
     */
    private static byte[] tls11ClientHello() {
        byte[] random = new byte[32];
        byte[] suites = {(byte) 0xc0, 0x13, 0x00, 0x2f};
        int bodyLength = 2 + 32 + 1 + 2 + suites.length + 2;
        java.io.ByteArrayOutputStream hello = new java.io.ByteArrayOutputStream();
        hello.write(0x16); // handshake record
        hello.write(0x03);
        hello.write(0x01); // record version: TLS 1.0, as clients send it
        hello.write((bodyLength + 4) >> 8);
        hello.write((bodyLength + 4) & 0xff);
        hello.write(0x01); // ClientHello
        hello.write(0);
        hello.write(bodyLength >> 8);
        hello.write(bodyLength & 0xff);
        hello.write(0x03);
        hello.write(0x02); // TLS 1.1
        hello.writeBytes(random);
        hello.write(0); // no session id
        hello.write(0);
        hello.write(suites.length);
        hello.writeBytes(suites);
        hello.write(1); // one compression method: none
        hello.write(0);
        return hello.toByteArray();
    }
}
