package com.motioness.edge.webhook.store;

import com.motioness.edge.webhook.AddressGuard;
import com.motioness.edge.webhook.store.WebhookRefusal.Kind;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Which URLs an endpoint may have and which addresses a delivery may reach. At registration
 * {@link #check} parses the URL (absolute, https or with {@code allowHttp} http, a host, no
 * userinfo or fragment, a port in range, at most {@value #MAX_URL_LENGTH} characters) and resolves
 * its host, refusing it if any address is refused; the HTTP client asks {@link #refusal} again for
 * each address at connect time, since a name may resolve elsewhere later (DNS rebinding).
 */
public final class TargetPolicy implements AddressGuard {
    /** The longest URL an endpoint may have. */
    public static final int MAX_URL_LENGTH = 2048;

    /** Names refused before any lookup: they mean this machine or a cloud's metadata service. */
    private static final Set<String> REFUSED_NAMES =
            Set.of("localhost", "metadata.google.internal", "metadata.goog", "metadata", "instance-data");

    /** Resolves a host name to its addresses; blocking. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowHttp;
    private final boolean allowPrivate;
    private final Resolver resolver;

    /**
     * @param allowHttp {@code --webhooks-allow-http}: http URLs too
     * @param allowPrivate {@code --webhooks-allow-private}: any address, private ones included
     */
    public TargetPolicy(boolean allowHttp, boolean allowPrivate) {
        this(allowHttp, allowPrivate, InetAddress::getAllByName);
    }

    public TargetPolicy(boolean allowHttp, boolean allowPrivate, Resolver resolver) {
        this.allowHttp = allowHttp;
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    @Override
    public String refusal(InetAddress address) {
        return allowPrivate ? null : AddressClasses.refusal(address);
    }

    /**
     * Parses and checks {@code url}, then resolves its host (blocking: call off the event loop).
     *
     * @return the URL
     * @throws WebhookRefusal {@code INVALID_URL} or {@code FORBIDDEN_TARGET}, saying why
     */
    public URI check(String url) {
        URI uri = parse(url);
        if (!allowPrivate) {
            checkTarget(uri.getHost());
        }
        return uri;
    }

    /**
     * Checks the form of {@code url} without resolving it.
     *
     * @throws WebhookRefusal {@code INVALID_URL}, saying why
     */
    public URI parse(String url) {
        if (url == null || url.isEmpty()) {
            throw invalid("url is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw invalid("url is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid("url is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || uri.isOpaque()) {
            throw invalid("url must be absolute, e.g. https://example.com/webhooks");
        }
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw invalid(allowHttp ? "url must be https or http" : "url must be https");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid("url must not carry user information");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid("url must name a host");
        }
        if (uri.getRawFragment() != null) {
            throw invalid("url must not have a fragment");
        }
        if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
            throw invalid("url port must be 1 to 65535");
        }
        if (uri.getPort() == -1 && uri.getRawAuthority().endsWith(":")) {
            throw invalid("url has an empty port");
        }
        return uri;
    }

    private void checkTarget(String uriHost) {
        // An IPv6 literal comes bracketed; a trailing dot names the same host.
        String host = uriHost.startsWith("[") ? uriHost.substring(1, uriHost.length() - 1) : uriHost;
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (REFUSED_NAMES.contains(name) || name.endsWith(".localhost")) {
            throw new WebhookRefusal(Kind.FORBIDDEN_TARGET, "url host " + host + " names an internal service");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw invalid("url host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            String refusal = AddressClasses.refusal(address);
            if (refusal != null) {
                throw new WebhookRefusal(
                        Kind.FORBIDDEN_TARGET,
                        "url host " + host + " resolves to " + address.getHostAddress() + ": " + refusal);
            }
        }
    }

    private static WebhookRefusal invalid(String message) {
        return new WebhookRefusal(Kind.INVALID_URL, message);
    }
}
