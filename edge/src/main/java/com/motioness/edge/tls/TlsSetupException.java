package com.motioness.edge.tls;

import java.nio.file.Path;

/**
 * TLS could not be set up at start: a certificate or key file missing, unreadable, not PEM, a key
 * that is not the certificate's, or an OpenSSL that was asked for and does not load. The edge does
 * not start; the message is the one line an operator needs, naming the setting, the file and what
 * is wrong, e.g. {@code --tls-key /etc/edge/key.pem: not the private key of --tls-cert
 * /etc/edge/cert.pem}.
 */
public final class TlsSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code setting}'s file {@code file} cannot be used: {@code what}. */
    static TlsSetupException file(String setting, Path file, String what) {
        return new TlsSetupException(setting + " " + file + ": " + what, null);
    }

    /** The same, with the exception that says why. */
    static TlsSetupException file(String setting, Path file, String what, Throwable cause) {
        return new TlsSetupException(setting + " " + file + ": " + what, cause);
    }
}
