package com.motioness.edge.webhook.client;

import com.motioness.edge.webhook.AttemptResult;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/** The error codes of {@link com.motioness.edge.webhook.AttemptResult} and how a failure maps to one. */
final class AttemptOutcomes {
    static final String TIMEOUT = "TIMEOUT";
    static final String CONNECT_REFUSED = "CONNECT_REFUSED";
    static final String CONNECT_TIMEOUT = "CONNECT_TIMEOUT";
    static final String CONNECTION_RESET = "CONNECTION_RESET";
    static final String TLS = "TLS";
    static final String DNS = "DNS";
    static final String BLOCKED_ADDRESS = "BLOCKED_ADDRESS";
    /** The response could not be parsed as HTTP/1.1 (e.g. a status line or headers too long). */
    static final String BAD_RESPONSE = "BAD_RESPONSE";
    /** The URL is not an http or https URL with a host: nothing was sent. */
    static final String INVALID_URL = "INVALID_URL";
    /** The origin's pool and its queue of waiting attempts are full: nothing was sent. */
    static final String POOL_FULL = AttemptResult.POOL_FULL;
    /** The client was closed before the attempt had an outcome: the receiver may or may not have it. */
    static final String CLIENT_CLOSED = AttemptResult.CLIENT_CLOSED;

    private static final int MAX_MESSAGE = 200;

    private AttemptOutcomes() {}

    /** The code of a received status: null for a 2xx, else {@code HTTP_<status>}. */
    static String ofStatus(int status) {
        return status >= 200 && status < 300 ? null : "HTTP_" + status;
    }

    /** The message of a received status, null for a 2xx. */
    static String statusMessage(int status) {
        return status >= 200 && status < 300 ? null : "the receiver answered " + status;
    }

    /** The code of a failure while connecting, handshaking or exchanging. */
    static String codeOf(Throwable failure) {
        if (failure instanceof AttemptFailure named) {
            return named.code();
        }
        if (failure instanceof ConnectTimeoutException) {
            return CONNECT_TIMEOUT;
        }
        if (failure instanceof ConnectException) {
            // Refused, or no route to the address: either way no connection was made.
            return CONNECT_REFUSED;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException || cause instanceof CertificateException) {
                return TLS;
            }
        }
        return CONNECTION_RESET;
    }

    /** A short message for a failure: the exception's own words, bounded; never a body or a secret. */
    static String messageOf(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (root instanceof ClosedChannelException || message == null || message.isBlank()) {
            message = root instanceof ClosedChannelException
                    ? "connection closed"
                    : root.getClass().getSimpleName();
        }
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE);
    }
}
