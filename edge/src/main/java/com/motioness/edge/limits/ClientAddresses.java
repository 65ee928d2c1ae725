package com.motioness.edge.limits;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The address of the client behind a request. X-Forwarded-For is believed only when the
 * connection comes from a configured trusted proxy, and then read from the right, skipping
 * trusted proxies: the first address no trusted proxy vouches for is the client. Anyone else's
 * X-Forwarded-For is ignored, or a client could pick the address its limits count against.
 */
public final class ClientAddresses {
    /** Client addresses remembered at once (about 100 B each). */
    private static final int MAX_SHARED = 10_000;

    private final List<IpSubnetFilterRule> trusted = new ArrayList<>();
    /**
     * One string per client address, shared by its streams, which keep it for their whole life (56 B
     * for an IPv4 address): a CDN node or a proxy without X-Forwarded-For, an office behind NAT or a
     * dashboard's tabs open many streams each. Dropped whole past {@link #MAX_SHARED}.
     */
    private final ConcurrentHashMap<String, String> shared = new ConcurrentHashMap<>();

    /** @param trustedProxies addresses or CIDR ranges, e.g. {@code 10.0.0.0/8}, {@code ::1} */
    public ClientAddresses(List<String> trustedProxies) {
        for (String proxy : trustedProxies) {
            int slash = proxy.indexOf('/');
            String address = slash < 0 ? proxy : proxy.substring(0, slash);
            int bits = slash < 0 ? (address.contains(":") ? 128 : 32) : Integer.parseInt(proxy.substring(slash + 1));
            trusted.add(new IpSubnetFilterRule(address, bits, IpFilterRuleType.ACCEPT));
        }
    }

    /** The client's address as text, the same string for every request of an address seen lately. */
    public String clientOf(SocketAddress remote, String forwardedFor) {
        String client = addressOf(remote, forwardedFor);
        String known = shared.get(client);
        if (known != null) {
            return known;
        }
        if (shared.size() >= MAX_SHARED) {
            shared.clear();
        }
        known = shared.putIfAbsent(client, client);
        return known == null ? client : known;
    }

    private String addressOf(SocketAddress remote, String forwardedFor) {
        if (!(remote instanceof InetSocketAddress socket) || socket.getAddress() == null) {
            // Not an IP connection (an in-process channel): its own name is the only identity.
            return String.valueOf(remote);
        }
        InetAddress peer = socket.getAddress();
        if (forwardedFor == null || !isTrusted(peer)) {
            return peer.getHostAddress();
        }
        String[] hops = forwardedFor.split(",");
        String client = peer.getHostAddress();
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            InetAddress address = parse(hop);
            if (address == null) {
                break;
            }
            client = address.getHostAddress();
            if (!isTrusted(address)) {
                break;
            }
        }
        return client;
    }

    private boolean isTrusted(InetAddress address) {
        InetSocketAddress socket = new InetSocketAddress(address, 0);
        for (IpSubnetFilterRule rule : trusted) {
            if (rule.matches(socket)) {
                return true;
            }
        }
        return false;
    }

    /** A literal IPv4 or IPv6 address, never a host name (no DNS lookup on a request). */
    private static InetAddress parse(String literal) {
        if (literal.isEmpty() || !literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null;
        }
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
