package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.TestEdge;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /dashboard/}: its three files with their types and validators, 304 on a matching ETag,
 * JSON 404 and 405 like every route, nothing outside the fixed list reachable, and the demo's
 * session cookie set with the page in {@code --demo} mode only.
 */
class DashboardRouteTest {
    private static TestEdge edge;
    private static TestEdge demoEdge;

    @BeforeAll
    static void start() throws Exception {
        edge = TestEdge.start();
        demoEdge = TestEdge.start(config -> config.demo(true));
    }

    @AfterAll
    static void stop() {
        edge.close();
        demoEdge.close();
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = DashboardRouteTest.class.getResourceAsStream("dashboard/" + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    private static void assertError(RawResponse response, int status, String code) {
        assertEquals(status, response.status(), response.bodyText());
        assertEquals("application/json; charset=utf-8", response.header("content-type"));
        assertTrue(response.bodyText().startsWith("{\"error\":\"" + code + "\",\"message\":\""), response.bodyText());
    }

    @Test
    void servesThePageItsModuleAndItsStylesheetWithTypesAndValidators() throws Exception {
        String[][] files = {
            {"/dashboard/", "index.html", "text/html; charset=utf-8"},
            {"/dashboard/index.html", "index.html", "text/html; charset=utf-8"},
            {"/dashboard/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"},
            {"/dashboard/dashboard.css", "dashboard.css", "text/css; charset=utf-8"},
        };
        for (String[] file : files) {
            RawResponse response = HttpWire.get(edge.port(), file[0]);
            assertEquals(200, response.status(), file[0]);
            assertEquals(file[2], response.header("content-type"), file[0]);
            assertArrayEquals(resource(file[1]), response.body(), file[0]);
            assertEquals("no-cache", response.header("cache-control"), file[0]);
            assertEquals("nosniff", response.header("x-content-type-options"), file[0]);
            String etag = response.header("etag");
            assertTrue(etag != null && etag.matches("\"[0-9a-f]{32}\""), file[0] + ": " + etag);
            assertNull(response.header("set-cookie"), "outside --demo the page sets no cookie");

            RawResponse revalidated = HttpWire.get(edge.port(), file[0], "If-None-Match: W/\"other\", " + etag);
            assertEquals(304, revalidated.status(), file[0]);
            assertEquals(etag, revalidated.header("etag"));
            assertEquals(0, revalidated.body().length);
            assertEquals(
                    200,
                    HttpWire.get(edge.port(), file[0], "If-None-Match: \"stale\"")
                            .status());
        }
        RawResponse page = HttpWire.get(edge.port(), "/dashboard/?project=p1&key=k");
        assertTrue(
                page.header("content-security-policy").contains("script-src 'self'"),
                page.headers().toString());
        assertEquals("no-referrer", page.header("referrer-policy"));
    }

    @Test
    void headAnswersTheHeadersWithoutABody() throws Exception {
        RawResponse response =
                HttpWire.exchange(edge.port(), HttpWire.request("HEAD", "/dashboard/dashboard.js", null));
        assertEquals(200, response.status());
        assertEquals(String.valueOf(resource("dashboard.js").length), response.header("content-length"));
        assertEquals(0, response.body().length);
    }

    @Test
    void theBarePathRedirectsToTheDirectoryKeepingTheQuery() throws Exception {
        RawResponse response = HttpWire.get(edge.port(), "/dashboard?project=demo&key=demo-key-0123456789");
        assertEquals(301, response.status());
        assertEquals("/dashboard/?project=demo&key=demo-key-0123456789", response.header("location"));
        assertEquals("/dashboard/", HttpWire.get(edge.port(), "/dashboard").header("location"));
    }

    @Test
    void nothingOutsideTheThreeFilesIsReachable() throws Exception {
        String[] paths = {
            "/dashboard/missing.js",
            "/dashboard/../pom.xml",
            "/dashboard/..%2f..%2fpom.xml",
            "/dashboard/%2e%2e/%2e%2e/etc/passwd",
            "/dashboard//index.html",
            "/dashboard/index.html/",
            "/dashboard/./index.html",
            "/dashboard/dashboard/index.html",
            "/dashboard/INDEX.HTML",
            "/dashboard/index.html%00.js",
            "/dashboard/com/motioness/edge/http/Route.class",
            "/dashboard/..\\..\\pom.xml",
        };
        for (String path : paths) {
            RawResponse response = HttpWire.get(edge.port(), path);
            assertError(response, 404, "not_found");
        }
        assertError(HttpWire.get(edge.port(), "/dashboardx/index.html"), 404, "not_found");
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS"}) {
            RawResponse response = HttpWire.exchange(edge.port(), HttpWire.request(method, "/dashboard/", ""));
            assertError(response, 405, "method_not_allowed");
            assertEquals("GET, HEAD", response.header("allow"), method);
        }
    }

    @Test
    void inDemoModeThePageSetsTheDemoSessionCookieAndItOpensTheActivityFeed() throws Exception {
        RawResponse page = HttpWire.get(demoEdge.port(), "/dashboard/?project=demo");
        assertEquals(200, page.status());
        String cookie = page.header("set-cookie");
        assertEquals("better-auth.session_token=demo-session; Path=/; HttpOnly; SameSite=Lax", cookie);
        assertNull(
                HttpWire.get(demoEdge.port(), "/dashboard/dashboard.js").header("set-cookie"), "only the page sets it");

        String sent = "Cookie: " + cookie.substring(0, cookie.indexOf(';'));
        try (java.net.Socket socket = HttpWire.connect(demoEdge.port())) {
            socket.getOutputStream()
                    .write(HttpWire.request("GET", "/api/projects/demo/activity", null, sent)
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            RawResponse head = HttpWire.readHead(socket.getInputStream());
            assertEquals(200, head.status(), "the cookie the page set opens the demo's feed");
            assertEquals("text/event-stream; charset=utf-8", head.header("content-type"));
        }
    }
}
