package com.motioness.edge.http;

import static com.motioness.edge.support.ErrorAnswers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.TestEdge;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The request line: HTTP/1.0 and HTTP/1.1 only (505 for any other version, the HTTP/2 preface
 * included), its case exact (RFC 9112 section 2.3: HTTP-name is case-sensitive) and nothing but empty
 * lines before it (section 2.2); anything else is 400. Each answer is the only one, then the close.
 */
class HttpVersionTest {
    private static TestEdge edge;

    @BeforeAll
    static void start() throws Exception {
        edge = TestEdge.start();
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    @Test
    void otherVersionsAre505() throws Exception {
        for (String version : new String[] {"HTTP/2.0", "HTTP/9.9", "HTTP/3.0", "HTTP/0.9", "HTTP/1.2"}) {
            RawResponse response = HttpWire.exchangeThenClosed(
                    edge.port(), "GET /dashboard/ " + version + "\r\nHost: 127.0.0.1\r\n\r\n");
            assertError(response, 505, "http_version_not_supported", version);
            assertTrue(response.bodyText().contains(version), response.bodyText());
        }
    }

    @Test
    void withHttp2OffTheHttp2PrefaceOnTheCleartextPortIs505NeverA404() throws Exception {
        // With HTTP/2 on (the default) the preface starts an HTTP/2 connection: Http2StreamsTest.
        try (TestEdge http1Only = TestEdge.start(config -> config.h2MaxStreams(0))) {
            RawResponse response = HttpWire.exchangeThenClosed(
                    http1Only.port(),
                    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0012\u0004\u0000\u0000\u0000\u0000\u0000");
            assertError(response, 505, "http_version_not_supported", "the HTTP/2 preface");
        }
    }

    @Test
    void aRequestLineThatBeginsLikeThePrefaceIsHttp1() throws Exception {
        RawResponse response = HttpWire.exchangeThenClosed(edge.port(), "PRI * HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n");
        assertError(response, 505, "http_version_not_supported", "PRI * HTTP/2.0 without the preface's body");
    }

    @Test
    void aVersionNotWrittenExactlyIs400() throws Exception {
        for (String version :
                new String[] {"http/1.1", "Http/1.1", "HTTP/1.01", "HTTP/1", "HTTP/1.1.1", "HTTP/11.1", "HTTP/2"}) {
            RawResponse response = HttpWire.exchangeThenClosed(
                    edge.port(), "GET /dashboard/ " + version + "\r\nHost: 127.0.0.1\r\n\r\n");
            assertError(response, 400, "bad_request", version);
            assertTrue(response.bodyText().contains("got " + version), response.bodyText());
        }
    }

    @Test
    void whitespaceBeforeTheRequestLineIs400() throws Exception {
        for (String before : new String[] {" ", "\t", "  \r\n", "\r\n ", "\u000b", "\u0000"}) {
            RawResponse response = HttpWire.exchangeThenClosed(
                    edge.port(), before + "GET /dashboard/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertError(response, 400, "bad_request", "'" + before + "'");
            assertTrue(
                    response.bodyText().contains("only empty lines may come before a request line"),
                    response.bodyText());
        }
    }

    @Test
    void whitespaceBeforeAPipelinedRequestLineIs400Too() throws Exception {
        try (Socket socket = HttpWire.connect(edge.port())) {
            socket.getOutputStream()
                    .write(("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n" + " GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertError(HttpWire.readResponse(in), 404, "not_found", "the first request");
            assertError(HttpWire.readResponse(in), 400, "bad_request", "the second, after a space");
            assertEquals(0, HttpWire.readUntilClosed(in).length);
        }
    }

    @Test
    void emptyLinesBeforeTheRequestLineAreSkipped() throws Exception {
        // RFC 9112 section 2.2: a server SHOULD ignore at least one empty line before a request.
        try (Socket socket = HttpWire.connect(edge.port())) {
            socket.getOutputStream()
                    .write(("\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                                    + "\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertError(HttpWire.readResponse(in), 404, "not_found", "the first request");
            assertError(HttpWire.readResponse(in), 404, "not_found", "the second");
        }
    }

    @Test
    void http10AndHttp11AreServed() throws Exception {
        assertEquals(
                200,
                HttpWire.exchange(edge.port(), "GET /dashboard/ HTTP/1.0\r\n\r\n")
                        .status());
        assertEquals(
                200,
                HttpWire.exchange(edge.port(), "GET /dashboard/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .status());
    }
}
