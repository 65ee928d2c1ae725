package com.motioness.edge.tls;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Why a TLS handshake failed, in a few bounded reasons a metric can carry. OpenSSL (BoringSSL) and
 * the JDK say the same thing in different words, so the reason is read from the exception's type
 * first and then from both libraries' wordings (BoringSSL's error names, the JDK's messages and
 * alert names).
 */
enum HandshakeFailure {
    /** The client offered only protocol versions the edge does not speak (TLS 1.1 and older). */
    PROTOCOL_VERSION("UNSUPPORTED_PROTOCOL", "PROTOCOL_VERSION", "NOT ENABLED OR SUPPORTED", "NO APPROPRIATE PROTOCOL"),
    /** No cipher suite in common. */
    NO_SHARED_CIPHER("NO_SHARED_CIPHER", "NO CIPHER SUITES IN COMMON", "NO_CIPHERS_AVAILABLE"),
    /** The client refused the edge's certificate (unknown CA, wrong name, expired). */
    CERTIFICATE("CERTIFICATE", "UNKNOWN_CA", "UNKNOWN CA"),
    /** No application protocol in common. */
    ALPN("NO_APPLICATION_PROTOCOL", "NO APPLICATION PROTOCOL"),
    /** Not TLS at all: typically a cleartext HTTP request sent to the TLS port. */
    NOT_TLS(),
    /** The handshake took longer than the edge allows. */
    TIMEOUT(),
    /** The connection closed before the handshake ended (a port probe, a client that gave up). */
    CLOSED("CLOSED", "END OF STREAM", "CONNECTION RESET", "BROKEN PIPE"),
    /** Anything else. */
    OTHER();

    final String label = name().toLowerCase(Locale.ROOT);
    private final String[] words;

    HandshakeFailure(String... words) {
        this.words = words;
    }

    /** The reason of {@code cause}, a failed handshake's exception with its causes. */
    static HandshakeFailure of(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SslHandshakeTimeoutException) {
                return TIMEOUT;
            }
            if (t instanceof NotSslRecordException) {
                return NOT_TLS;
            }
            if (t instanceof ClosedChannelException) {
                return CLOSED;
            }
            if (t.getMessage() != null) {
                text.append(t.getMessage().toUpperCase(Locale.ROOT)).append('\n');
            }
        }
        String said = text.toString();
        // In declaration order: a message about a certificate that also says the connection closed
        // is about the certificate.
        for (HandshakeFailure reason : values()) {
            for (String word : reason.words) {
                if (said.contains(word)) {
                    return reason;
                }
            }
        }
        return OTHER;
    }
}
