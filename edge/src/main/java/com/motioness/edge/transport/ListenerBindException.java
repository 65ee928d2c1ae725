package com.motioness.edge.transport;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * A listener of the edge could not bind its address (the port is taken, the address is not this
 * machine's, a port below 1024 without the privilege): the edge did not start. The message is the
 * one line an operator needs, naming the setting and the address, e.g.
 * {@code --port 8080 on 0.0.0.0: address already in use}.
 */
public final class ListenerBindException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private ListenerBindException(String setting, String host, int port, String reason, Throwable cause) {
        super(
                setting + " " + port + " on " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ": " + reason,
                cause);
    }

    /**
     * The address to bind {@code setting}'s listener on.
     *
     * @param host the address as configured, a literal or a name
     * @throws ListenerBindException the name does not resolve
     */
    public static InetSocketAddress address(String setting, String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new ListenerBindException(setting, host, port, "the name does not resolve", null);
        }
        return address;
    }

    /** {@code setting}'s listener on {@code host:port} could not bind: {@code cause} says why. */
    public static ListenerBindException of(String setting, String host, int port, Throwable cause) {
        return new ListenerBindException(setting, host, port, reason(cause), cause);
    }

    /**
     * The operating system's reason, without the transport's wrapping: Netty's native transport says
     * {@code bind(..) failed with error(-98): Address already in use}, the JDK {@code Address already
     * in use}; both become {@code address already in use}.
     */
    static String reason(Throwable cause) {
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        String reason = message.substring(message.lastIndexOf(": ") + 1).strip();
        // Lower-case a sentence's first word, not an acronym: "Address" but not "EACCES".
        if (reason.length() > 1 && Character.isUpperCase(reason.charAt(0)) && Character.isLowerCase(reason.charAt(1))) {
            reason = reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
        }
        return reason;
    }
}
