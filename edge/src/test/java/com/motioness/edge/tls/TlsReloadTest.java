package com.motioness.edge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.config.TlsSettings;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.edge.support.TestTls;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Certificate renewal while streams are open, with each provider: the files replaced, new
 * connections get the new certificate at the next check while an open stream keeps receiving events
 * and pings on the connection it had; a broken replacement keeps the certificate in use, counted as
 * a failed reload, and the next good one is taken.
 */
class TlsReloadTest {
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

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void newConnectionsGetTheRenewedCertificateWhileOpenStreamsGoOn(TlsSettings.Provider provider) throws Exception {
        TestTls tls = TestTls.get();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        tls.a.installAs(cert, key);
        edge = TestEdge.start(config -> config.tlsCert(cert)
                .tlsKey(key)
                .tlsProvider(provider)
                .tlsReloadCheck(Duration.ofMillis(200))
                .pingInterval(Duration.ofMillis(300)));
        assertEquals("CN=motioness-a", tls.servedSubject(edge.port()));

        EventId before = edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "renewed"))
                .get(0);
        try (SseClient stream = SseClient.openOn(tls.connect(edge.port()), TestEdge.assetPath("renewed"))) {
            assertEquals(before.toString(), stream.nextEvent(WAIT).id());

            tls.b.installAs(cert, key);
            Poll.until(() -> subject(tls).equals("CN=motioness-b"), WAIT, "new connections served cert B");
            assertEquals(1.0, edge.counter("motioness_tls_reloads_total{result=\"ok\"}"));

            EventId after = edge.append(Events.of(EventType.VISION_STARTED, TestEdge.PROJECT, "renewed"))
                    .get(0);
            assertEquals(after.toString(), stream.nextEvent(WAIT).id(), "the open stream goes on");
            SseBlock ping = stream.until(SseBlock::isPing, WAIT);
            assertTrue(ping.isPing());

            // A renewal half done: a key that is not the certificate's. Cert B stays. (A check between
            // the two renames above may have failed already: count from here.)
            double failedBefore = edge.counter("motioness_tls_reloads_total{result=\"failed\"}");
            Files.copy(tls.a.key(), key, StandardCopyOption.REPLACE_EXISTING);
            Poll.until(
                    () -> edge.counter("motioness_tls_reloads_total{result=\"failed\"}") > failedBefore,
                    WAIT,
                    "the broken replacement counted as a failed reload");
            assertEquals("CN=motioness-b", tls.servedSubject(edge.port()));

            // The renewal completed: its certificate is taken at the next check.
            Files.copy(tls.a.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
            Poll.until(() -> subject(tls).equals("CN=motioness-a"), WAIT, "new connections served cert A again");

            EventId last = edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "renewed"))
                    .get(0);
            assertEquals(last.toString(), stream.nextEvent(WAIT).id());
            assertTrue(stream.awaitEnd(WAIT), "the stream ended at ready, on its first certificate");
        }
    }

    private String subject(TestTls tls) {
        try {
            return tls.servedSubject(edge.port());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
