package com.motioness.edge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The bounded reason of a failed handshake, from BoringSSL's error names and the JDK's messages alike. */
class HandshakeFailureTest {
    private static HandshakeFailure of(String message) {
        return HandshakeFailure.of(new DecoderException(new SSLHandshakeException(message)));
    }

    @Test
    void bothLibrariesWordingsGiveTheSameReason() {
        assertEquals(
                HandshakeFailure.PROTOCOL_VERSION,
                of("error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL"));
        assertEquals(
                HandshakeFailure.PROTOCOL_VERSION,
                of("Client requested protocol TLSv1.1 is not enabled or supported in server context"));
        assertEquals(
                HandshakeFailure.NO_SHARED_CIPHER, of("error:100000b8:SSL routines:OPENSSL_internal:NO_SHARED_CIPHER"));
        assertEquals(HandshakeFailure.NO_SHARED_CIPHER, of("no cipher suites in common"));
        assertEquals(
                HandshakeFailure.CERTIFICATE,
                of("error:10000416:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN"));
        assertEquals(HandshakeFailure.CERTIFICATE, of("Received fatal alert: certificate_unknown"));
        assertEquals(
                HandshakeFailure.CERTIFICATE,
                of("error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA"));
        assertEquals(HandshakeFailure.ALPN, of("error:100000dc:SSL routines:OPENSSL_internal:NO_APPLICATION_PROTOCOL"));
        assertEquals(HandshakeFailure.ALPN, of("Received fatal alert: no_application_protocol"));
        assertEquals(HandshakeFailure.CLOSED, of("Connection closed while SSL/TLS handshake was in progress"));
        assertEquals(HandshakeFailure.OTHER, of("error:1000006b:SSL routines:OPENSSL_internal:BAD_ECC_CERT"));
    }

    @Test
    void theExceptionsTypeComesFirst() {
        assertEquals(
                HandshakeFailure.TIMEOUT,
                HandshakeFailure.of(new SslHandshakeTimeoutException("handshake timed out after 10000ms")));
        assertEquals(
                HandshakeFailure.NOT_TLS,
                HandshakeFailure.of(new DecoderException(new NotSslRecordException("not an SSL/TLS record: 474554"))));
        assertEquals(HandshakeFailure.CLOSED, HandshakeFailure.of(new ClosedChannelException()));
        assertEquals("no_shared_cipher", HandshakeFailure.NO_SHARED_CIPHER.label);
    }
}
