package com.motioness.edge.webhook.client;

import static com.motioness.edge.webhook.client.Attempts.await;
import static com.motioness.edge.webhook.client.Attempts.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.webhook.AddressGuard;
import com.motioness.edge.webhook.AttemptResult;
import com.motioness.edge.webhook.client.TestCertificates.ServerKey;
import com.motioness.edge.webhook.client.TestReceiver.Received;
import com.motioness.edge.webhook.client.TestReceiver.Reply;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https deliveries: a certificate from a trusted CA for the URL's host is delivered to; one no one
 * trusts, or one for another name, is a {@code TLS} failure before any request is sent.
 */
class WebhookClientTlsTest {
    private static TestCertificates certificates;
    private static SslContext trustingTestCa;

    @BeforeAll
    static void makeCertificates(@TempDir Path dir) throws Exception {
        certificates = TestCertificates.create(dir);
        // Hostname verification turned off here (Netty 4.2 turns it on by default): the client must
        // turn it on itself, whatever context it is given.
        trustingTestCa = SslContextBuilder.forClient()
                .trustManager(certificates.ca)
                .endpointIdentificationAlgorithm("")
                .build();
    }

    private static TestReceiver receiver(ServerKey key) throws Exception {
        return TestReceiver.startTls(
                SslContextBuilder.forServer(key.key(), key.chain()).build(), r -> Reply.status(200));
    }

    private static WebhookClient client() {
        return new WebhookClient(1, AddressGuard.ALLOW_ALL, trustingTestCa, 4, Duration.ofSeconds(30));
    }

    @Test
    void aTrustedCertificateForTheHostIsDeliveredToOverOneConnection() throws Exception {
        try (TestReceiver receiver = receiver(certificates.localhost);
                WebhookClient client = client()) {
            AttemptResult first = await(client.send(request(receiver.url("localhost", "/tls"))));
            assertTrue(first.delivered(), first.toString());
            assertTrue(await(client.send(request(receiver.url("localhost", "/tls"))))
                    .delivered());
            Received got = receiver.received.poll(5, TimeUnit.SECONDS);
            assertArrayEquals(Attempts.BODY, got.body());
            assertEquals("localhost:" + receiver.port(), got.headers().get("host"));
            assertEquals(1, receiver.accepted.get(), "the TLS connection is kept alive");
        }
    }

    @Test
    void anUntrustedCertificateIsTls() throws Exception {
        assertRefusedBeforeAnyRequest(certificates.selfSigned);
    }

    @Test
    void aCertificateForAnotherNameIsTls() throws Exception {
        assertRefusedBeforeAnyRequest(certificates.otherName);
    }

    private static void assertRefusedBeforeAnyRequest(ServerKey key) throws Exception {
        try (TestReceiver receiver = receiver(key);
                WebhookClient client = client()) {
            AttemptResult result = await(client.send(request(receiver.url("localhost", "/"))));
            assertEquals("TLS", result.errorCode(), result.toString());
            assertEquals(0, receiver.received.size());
        }
    }

    @Test
    void theDefaultContextDoesNotTrustTheTestCa() throws Exception {
        try (TestReceiver receiver = receiver(certificates.localhost);
                WebhookClient client = new WebhookClient(
                        1, AddressGuard.ALLOW_ALL, WebhookClient.defaultSslContext(), 4, Duration.ofSeconds(30))) {
            AttemptResult result = await(client.send(request(receiver.url("localhost", "/"))));
            assertEquals("TLS", result.errorCode(), result.toString());
        }
    }
}
