package com.motioness.edge.webhook.store;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The address classes a webhook may not reach (SSRF): loopback, unspecified, private, link-local,
 * shared (CGNAT), multicast, broadcast, reserved and the cloud metadata services, in IPv4 and in
 * every IPv6 form that carries an IPv4 address (mapped, compatible, 6to4, NAT64).
 */
final class AddressClasses {
    private AddressClasses() {}

    /** Why {@code address} is refused (its class, e.g. "loopback address"), or null when it is public. */
    static String refusal(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return refusalV4(b, 0);
        }
        if (address instanceof Inet6Address) {
            return refusalV6(b);
        }
        return "unknown address family";
    }

    private static String refusalV4(byte[] b, int at) {
        int a0 = b[at] & 0xff;
        int a1 = b[at + 1] & 0xff;
        int a2 = b[at + 2] & 0xff;
        int a3 = b[at + 3] & 0xff;
        // Metadata first: its addresses also lie in link-local and shared space, and the message
        // should name the more telling class.
        if (a0 == 169 && a1 == 254 && a2 == 169 && a3 == 254 || a0 == 100 && a1 == 100 && a2 == 100 && a3 == 200) {
            return "cloud metadata address";
        }
        if (a0 == 0) {
            return "unspecified address";
        }
        if (a0 == 127) {
            return "loopback address";
        }
        if (a0 == 10 || a0 == 172 && (a1 & 0xf0) == 16 || a0 == 192 && a1 == 168) {
            return "private address";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local address";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "shared (CGNAT) address";
        }
        if ((a0 & 0xf0) == 224) {
            return "multicast address";
        }
        if (a0 == 255 && a1 == 255 && a2 == 255 && a3 == 255) {
            return "broadcast address";
        }
        if ((a0 & 0xf0) == 240) {
            return "reserved address";
        }
        return null;
    }

    private static String refusalV6(byte[] b) {
        if (isMetadataV6(b)) {
            return "cloud metadata address";
        }
        if (zeros(b, 0, 10)) {
            if (zeros(b, 10, 16)) {
                return "unspecified address";
            }
            if (zeros(b, 10, 15) && b[15] == 1) {
                return "loopback address";
            }
            boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            boolean compatible = b[10] == 0 && b[11] == 0;
            if (mapped || compatible) {
                return embedded(refusalV4(b, 12), mapped ? "IPv4-mapped" : "IPv4-compatible");
            }
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        // NAT64 well-known prefix 64:ff9b::/96: the last 32 bits are the IPv4 target.
        if (b0 == 0 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zeros(b, 4, 12)) {
            return embedded(refusalV4(b, 12), "NAT64");
        }
        // 6to4 2002::/16: bits 16..47 are the IPv4 address of the relay's site.
        if (b0 == 0x20 && b1 == 0x02) {
            return embedded(refusalV4(b, 2), "6to4");
        }
        if ((b0 & 0xfe) == 0xfc) {
            return "private address";
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return "link-local address";
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
            return "private address";
        }
        if (b0 == 0xff) {
            return "multicast address";
        }
        return null;
    }

    /** fd00:ec2::254, AWS's IPv6 instance metadata service. */
    private static boolean isMetadataV6(byte[] b) {
        return (b[0] & 0xff) == 0xfd
                && b[1] == 0
                && (b[2] & 0xff) == 0x0e
                && (b[3] & 0xff) == 0xc2
                && zeros(b, 4, 14)
                && b[14] == 0x02
                && (b[15] & 0xff) == 0x54;
    }

    private static String embedded(String v4Refusal, String form) {
        return v4Refusal == null ? null : v4Refusal + " (" + form + ")";
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
