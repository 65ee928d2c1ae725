package com.motioness.edge.webhook;

import java.net.InetAddress;

/**
 * Which addresses a delivery may connect to: checked at registration and again for each address a
 * name resolves to at connect time, so a name that resolves elsewhere later (DNS rebinding) is
 * still refused.
 */
@FunctionalInterface
public interface AddressGuard {
    /** Allows every address: {@code --webhooks-allow-private}. */
    AddressGuard ALLOW_ALL = address -> null;

    /** Why a delivery may not connect to {@code address} (e.g. "loopback address"), or null when it may. */
    String refusal(InetAddress address);
}
