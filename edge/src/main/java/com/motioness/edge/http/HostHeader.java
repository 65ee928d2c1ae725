package com.motioness.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The Host rules of RFC 9112 section 3.2: a server MUST answer 400 to an HTTP/1.1 request without
 * Host, and to any request with more than one Host or one whose value is not a valid
 * {@code uri-host [ ":" port ]} (RFC 3986 section 3.2.2). HTTP/1.0 predates Host and may leave it out.
 */
final class HostHeader {
    private static final int MAX_PORT = 65535;

    private HostHeader() {}

    /** @return what is wrong with the request's Host, as the message of a 400, or null when it is fine */
    static String problem(HttpRequest request) {
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.isEmpty()) {
            return request.protocolVersion().equals(HttpVersion.HTTP_1_0)
                    ? null
                    : "Host is required in an HTTP/1.1 request";
        }
        if (hosts.size() > 1) {
            return "Host must be given once, got " + hosts.size();
        }
        return isValid(hosts.get(0)) ? null : "Host must be host[:port], a name or an IP address and a port of 0-65535";
    }

    /** True for a non-empty {@code uri-host} optionally followed by {@code :port}. */
    static boolean isValid(String value) {
        int hostEnd;
        if (value.startsWith("[")) {
            hostEnd = value.indexOf(']');
            if (hostEnd < 0 || !isIpv6Literal(value, 1, hostEnd)) {
                return false;
            }
            hostEnd++;
        } else {
            hostEnd = value.indexOf(':');
            if (hostEnd < 0) {
                hostEnd = value.length();
            }
            // An http URI must not have an empty host (RFC 9110 section 4.2.1).
            if (hostEnd == 0 || !isRegNameOrIpv4(value, 0, hostEnd)) {
                return false;
            }
        }
        if (hostEnd == value.length()) {
            return true;
        }
        return value.charAt(hostEnd) == ':' && isPort(value, hostEnd + 1, value.length());
    }

    /**
     * reg-name (which covers IPv4address): unreserved, pct-encoded and sub-delims characters. The
     * comma, a sub-delim, is refused: no DNS name has one, and {@code a, b} is what two Host lines
     * look like once a proxy has joined them.
     */
    private static boolean isRegNameOrIpv4(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= to || !isHex(value.charAt(i + 1)) || !isHex(value.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (!isAlphaOrDigit(c) && "-._~!$&'()*+;=".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** An IPv6 address between the brackets: hex digits, colons, and dots for an embedded IPv4. */
    private static boolean isIpv6Literal(String value, int from, int to) {
        if (to - from < 2) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!isHex(c) && c != ':' && c != '.') {
                return false;
            }
        }
        return value.indexOf(':', from) < to;
    }

    /** 1 to 5 digits, at most 65535. */
    private static boolean isPort(String value, int from, int to) {
        if (to == from || to - from > 5) {
            return false;
        }
        int port = 0;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= MAX_PORT;
    }

    private static boolean isAlphaOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
