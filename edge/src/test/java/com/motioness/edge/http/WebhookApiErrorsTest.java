package com.motioness.edge.http;

import static com.motioness.edge.http.WebhookApiFixture.AUTH;
import static com.motioness.edge.http.WebhookApiFixture.URL;
import static com.motioness.edge.http.WebhookApiFixture.field;
import static com.motioness.edge.http.WebhookApiFixture.webhooks;
import static com.motioness.edge.http.WebhookApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.TestEdge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refusal of the endpoint API answers its status and JSON {@code error}. */
class WebhookApiErrorsTest {
    private static final String P = TestEdge.PROJECT;
    private static WebhookApiFixture api;
    private static String id;

    @BeforeAll
    static void start() throws Exception {
        api = new WebhookApiFixture(WebhookApiFixture.MEMORY);
        id = field(api.call("POST", webhooks(P), "{\"url\":\"" + URL + "\"}"), "id");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "bad url          | POST | /webhooks | {\"url\":\"not a url\"}                      | 400 | invalid_url",
                "no url           | POST | /webhooks | {\"event_types\":[\"ready\"]}                | 400 | invalid_url",
                "http             | POST | /webhooks | {\"url\":\"http://93.184.216.34/x\"}        | 400 | invalid_url",
                "userinfo         | POST | /webhooks | {\"url\":\"https://u:p@93.184.216.34/x\"}  | 400 | invalid_url",
                "loopback         | POST | /webhooks | {\"url\":\"https://127.0.0.1:8443/x\"}     | 400 | forbidden_target",
                "localhost        | POST | /webhooks | {\"url\":\"https://localhost/x\"}          | 400 | forbidden_target",
                "metadata         | POST | /webhooks | {\"url\":\"https://169.254.169.254/x\"}    | 400 | forbidden_target",
                "private v6       | POST | /webhooks | {\"url\":\"https://[fd00::1]/x\"}          | 400 | forbidden_target",
                "webhook type     | POST | /webhooks | {\"url\":\"https://93.184.216.34/x\",\"event_types\":[\"webhook_failed\"]} | 400 | invalid_event_type",
                "unknown type     | POST | /webhooks | {\"url\":\"https://93.184.216.34/x\",\"event_types\":[\"nope\"]} | 400 | invalid_event_type",
                "no types         | POST | /webhooks | {\"url\":\"https://93.184.216.34/x\",\"event_types\":[]} | 400 | invalid_event_type",
                "unknown field    | POST | /webhooks | {\"url\":\"https://93.184.216.34/x\",\"secret\":\"mine\"} | 400 | unknown_field",
                "repeated field   | POST | /webhooks | {\"url\":\"https://93.184.216.34/x\",\"url\":\"https://93.184.216.34/y\"} | 400 | invalid_json",
                "malformed        | POST | /webhooks | {\"url\":                                  | 400 | invalid_json",
                "not an object    | POST | /webhooks | [1,2]                                      | 400 | invalid_json",
                "trailing         | POST | /webhooks | {} {}                                      | 400 | invalid_json",
                "empty            | POST | /webhooks |                                            | 400 | invalid_json",
                "url type         | POST | /webhooks | {\"url\":5}                                | 400 | invalid_body",
                "types type       | POST | /webhooks | {\"url\":\"https://93.184.216.34/x\",\"event_types\":\"ready\"} | 400 | invalid_body",
                "patch type       | PATCH | /webhooks/ID | {\"enabled\":\"no\"}                    | 400 | invalid_body",
                "patch nothing    | PATCH | /webhooks/ID | {}                                       | 400 | invalid_body",
                "patch unknown    | PATCH | /webhooks/ID | {\"enabled\":true,\"url\":\"x\"}          | 400 | unknown_field",
                "patch missing    | PATCH | /webhooks/ep_missing | {\"enabled\":true}               | 404 | endpoint_not_found",
                "get missing      | GET | /webhooks/ep_missing |                                    | 404 | endpoint_not_found",
                "delete missing   | DELETE | /webhooks/ep_missing |                                 | 404 | endpoint_not_found",
                "rotate missing   | POST | /webhooks/ep_missing/rotate |                            | 404 | endpoint_not_found",
                "negative grace   | POST | /webhooks/ID/rotate | {\"grace_seconds\":-1}             | 400 | invalid_request",
                "long grace       | POST | /webhooks/ID/rotate | {\"grace_seconds\":99999999}       | 400 | invalid_request",
                "grace type       | POST | /webhooks/ID/rotate | {\"grace_seconds\":\"1\"}          | 400 | invalid_body",
                "limit zero       | GET | /webhooks/dead-letters?limit=0 |                          | 400 | invalid_limit",
                "limit word       | GET | /webhooks/dead-letters?limit=ten |                        | 400 | invalid_limit",
                "limit high       | GET | /webhooks/dead-letters?limit=1001 |                       | 400 | invalid_limit",
                "redeliver none   | POST | /webhooks/dead-letters/msg_none/redeliver |              | 404 | dead_letter_not_found",
                "no such route    | POST | /webhooks/ID/nothing |                                   | 404 | not_found",
                "put              | PUT | /webhooks |                                              | 405 | method_not_allowed",
                "post on one      | POST | /webhooks/ID |                                           | 405 | method_not_allowed",
                "get with body    | GET | /webhooks | {}                                           | 400 | bad_request",
                "delete with body | DELETE | /webhooks/ID | {}                                     | 400 | bad_request",
            })
    void answersEachRefusal(String what, String method, String path, String body, int status, String code)
            throws Exception {
        RawResponse response = api.call(method, "/internal/projects/" + P + path.replace("ID", id), body);
        assertError(response, status, code);
    }

    @Test
    void namesTheAddressClassOfARefusedTarget() throws Exception {
        RawResponse response = api.call("POST", webhooks(P), "{\"url\":\"https://[::ffff:10.1.2.3]/x\"}");
        assertError(response, 400, "forbidden_target");
        assertTrue(field(response, "message").contains("private address"), response.bodyText());
        assertTrue(field(api.call("POST", webhooks(P), "{\"url\":\"https://169.254.169.254/\"}"), "message")
                .contains("cloud metadata address"));
    }

    @Test
    void asksForTheIngestToken() throws Exception {
        RawResponse none = HttpWire.exchange(api.edge.port(), HttpWire.request("GET", webhooks(P), null));
        assertError(none, 401, "unauthenticated");
        assertEquals("Bearer", none.header("www-authenticate"));
        assertError(
                HttpWire.exchange(
                        api.edge.port(),
                        HttpWire.request(
                                "GET", webhooks(P), null, "Authorization: Bearer " + TestEdge.INGEST_TOKEN + "x")),
                401,
                "unauthenticated");
        // Refused before the body is read: no endpoint is created.
        assertError(
                HttpWire.exchangeThenClosed(
                        api.edge.port(),
                        HttpWire.request("POST", webhooks(P), "{\"url\":\"" + URL + "\"}", "Authorization: Basic x")),
                401,
                "unauthenticated");
        assertEquals(1, api.registry.list(P).get().size());
    }

    @Test
    void validatesTheProjectId() throws Exception {
        assertError(api.call("GET", "/internal/projects/bad*id/webhooks", null), 400, "invalid_id");
    }

    @Test
    void refusesBodiesOver16KiB() throws Exception {
        String url = "https://93.184.216.34/" + "a".repeat(17 * 1024);
        RawResponse response = HttpWire.exchangeThenClosed(
                api.edge.port(), HttpWire.request("POST", webhooks(P), "{\"url\":\"" + url + "\"}", AUTH));
        assertError(response, 413, "body_too_large");
    }

    @Test
    void answersWebhooksDisabledWithoutARegistry() throws Exception {
        try (TestEdge plain = TestEdge.start()) {
            assertError(
                    HttpWire.exchange(plain.port(), HttpWire.request("GET", webhooks(P), null, AUTH)),
                    404,
                    "webhooks_disabled");
            assertError(
                    HttpWire.exchangeThenClosed(
                            plain.port(), HttpWire.request("POST", webhooks(P), "{\"url\":\"" + URL + "\"}", AUTH)),
                    404,
                    "webhooks_disabled");
        }
    }

    @Test
    void answersHeadLikeGetWithoutABody() throws Exception {
        RawResponse head = api.call("HEAD", webhooks(P), null);
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
        assertTrue(Integer.parseInt(head.header("content-length")) > 0);
    }
}
