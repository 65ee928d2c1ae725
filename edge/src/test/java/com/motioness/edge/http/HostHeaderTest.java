package com.motioness.edge.http;

import static com.motioness.edge.support.ErrorAnswers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.TestEdge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 9112 section 3.2: an HTTP/1.1 request without Host, any request with more than one, or with
 * one that is not a valid {@code host[:port]}, is answered 400 naming Host. HTTP/1.0 may leave it out.
 */
class HostHeaderTest {
    private static TestEdge edge;

    @BeforeAll
    static void start() throws Exception {
        edge = TestEdge.start();
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    /** The answer to a request for the dashboard page with these header lines. */
    private static RawResponse page(String version, String... headerLines) throws Exception {
        StringBuilder request =
                new StringBuilder("GET /dashboard/ ").append(version).append("\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return HttpWire.exchange(
                edge.port(), request.append("Connection: close\r\n\r\n").toString());
    }

    private static void assertRefused(RawResponse response, String what) {
        assertError(response, 400, "bad_request", what);
        assertTrue(response.bodyText().contains("\"message\":\"Host"), what + ": " + response.bodyText());
    }

    @Test
    void anHttp11RequestWithoutHostIs400() throws Exception {
        assertRefused(page("HTTP/1.1"), "no Host");
    }

    @Test
    void aRepeatedHostIs400EvenWhenBothAgree() throws Exception {
        assertRefused(page("HTTP/1.1", "Host: 127.0.0.1", "Host: 127.0.0.1"), "two Host lines");
        assertRefused(page("HTTP/1.1", "Host: 127.0.0.1", "Host: other.example"), "two different Host lines");
        assertRefused(page("HTTP/1.0", "Host: a.example", "Host: b.example"), "two Host lines in HTTP/1.0");
    }

    @Test
    void aHostThatIsNotHostAndPortIs400() throws Exception {
        String[] invalid = {
            "", "a b", "a/b", "user@host", "host:port", "host:-1", "host:123456", "host:65536", "host:",
            "[::1", "::1", "[::1]x", "[zz::1]", "[]", "a,b", "a.example, b.example", "h\u00e9.example", "%zz.example",
            "host?x", "host#x", ":8080",
        };
        for (String host : invalid) {
            assertRefused(page("HTTP/1.1", "Host: " + host), "Host: " + host);
        }
        assertRefused(page("HTTP/1.0", "Host: a b"), "an invalid Host in HTTP/1.0");
    }

    @Test
    void validHostsAreServed() throws Exception {
        String[] valid = {
            "127.0.0.1", "127.0.0.1:8080", "localhost", "localhost:1", "edge.motioness.com",
            "EDGE.Motioness.com.", "xn--bcher-kva.example:443", "[::1]", "[::1]:8080",
                    "[2001:db8::ffff:192.0.2.1]:65535",
            "under_score.example", "%41.example",
        };
        for (String host : valid) {
            assertEquals(200, page("HTTP/1.1", "Host: " + host).status(), "Host: " + host);
        }
    }

    @Test
    void http10MayLeaveHostOut() throws Exception {
        assertEquals(200, page("HTTP/1.0").status());
    }
}
