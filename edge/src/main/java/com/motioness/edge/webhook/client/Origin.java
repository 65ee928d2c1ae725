package com.motioness.edge.webhook.client;

import java.net.URI;
import java.util.Locale;

/**
 * Where connections go and what they can be shared by: scheme, host and port of a URL.
 *
 * @param tls whether the scheme is https
 * @param host the host name or literal address, without an IPv6 literal's brackets
 * @param port the port, the scheme's default when the URL names none
 */
record Origin(boolean tls, String host, int port) {

    /** The origin of an {@code http} or {@code https} URL with a host. */
    static Origin of(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean tls;
        if (scheme.equals("https")) {
            tls = true;
        } else if (scheme.equals("http")) {
            tls = false;
        } else {
            throw new IllegalArgumentException("not an http or https URL");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the URL has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = url.getPort() == -1 ? (tls ? 443 : 80) : url.getPort();
        return new Origin(tls, host.toLowerCase(Locale.ROOT), port);
    }

    /** The {@code host} header: the port only when it is not the scheme's default. */
    String hostHeader() {
        String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? name : name + ":" + port;
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + hostHeader();
    }
}
