package com.motioness.edge.http;

import static com.motioness.edge.http.WebhookApiFixture.URL;
import static com.motioness.edge.http.WebhookApiFixture.field;
import static com.motioness.edge.http.WebhookApiFixture.webhooks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.DeadLetters;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The endpoint API end to end, on real sockets, over memory and Redis stores. */
class WebhookApiTest {
    private static final String P = TestEdge.PROJECT;

    @ParameterizedTest
    @ValueSource(strings = {WebhookApiFixture.MEMORY, WebhookApiFixture.REDIS})
    void managesAnEndpointAndRevealsItsSecretOnlyAtCreationAndRotation(String stores) throws Exception {
        try (WebhookApiFixture api = new WebhookApiFixture(stores)) {
            RawResponse created = api.call("POST", webhooks(P), "{\"url\":\"" + URL + "\"}");
            assertEquals(201, created.status(), created.bodyText());
            assertEquals("application/json", created.header("content-type").replaceAll(";.*", ""));
            String id = field(created, "id");
            assertTrue(id.matches("ep_[a-z2-7]{26}"), created.bodyText());
            assertEquals(URL, field(created, "url"));
            assertTrue(created.bodyText().contains("\"event_types\":[\"ready\",\"failed\",\"cancelled\"]"));
            assertTrue(created.bodyText().contains("\"enabled\":true"));
            assertNotNull(field(created, "created"));
            String secret = field(created, "secret");
            assertTrue(secret.startsWith("whsec_"), created.bodyText());

            RawResponse listed = api.call("GET", webhooks(P), null);
            assertEquals(200, listed.status());
            assertTrue(listed.bodyText().startsWith("{\"endpoints\":[{\"id\":\"" + id + "\""), listed.bodyText());
            assertNoSecret(listed);
            RawResponse one = api.call("GET", webhooks(P) + "/" + id, null);
            assertEquals(200, one.status());
            assertEquals(id, field(one, "id"));
            assertNoSecret(one);

            RawResponse disabled = api.call("PATCH", webhooks(P) + "/" + id, "{\"enabled\":false}");
            assertEquals(200, disabled.status(), disabled.bodyText());
            assertTrue(disabled.bodyText().contains("\"enabled\":false"));
            assertNoSecret(disabled);
            assertTrue(api.call("GET", webhooks(P) + "/" + id, null).bodyText().contains("\"enabled\":false"));
            assertTrue(api.call("PATCH", webhooks(P) + "/" + id, "{\"enabled\":true}")
                    .bodyText()
                    .contains("\"enabled\":true"));

            RawResponse rotated = api.call("POST", webhooks(P) + "/" + id + "/rotate", "{\"grace_seconds\":60}");
            assertEquals(200, rotated.status(), rotated.bodyText());
            assertEquals(id, field(rotated, "id"));
            String newSecret = field(rotated, "secret");
            assertTrue(newSecret.startsWith("whsec_"));
            assertNotEquals(secret, newSecret);
            assertNotNull(field(rotated, "previous_expires"));
            assertEquals(
                    2,
                    api.endpoints.get(P, id).get(5, TimeUnit.SECONDS).secrets().size());
            assertNoSecret(api.call("GET", webhooks(P), null));
            assertEquals(
                    200,
                    api.call("POST", webhooks(P) + "/" + id + "/rotate", null).status());

            RawResponse deleted = api.call("DELETE", webhooks(P) + "/" + id, null);
            assertEquals(204, deleted.status());
            assertEquals(0, deleted.body().length);
            assertError(api.call("GET", webhooks(P) + "/" + id, null), 404, "endpoint_not_found");
            assertEquals(
                    "{\"endpoints\":[]}\n", api.call("GET", webhooks(P), null).bodyText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {WebhookApiFixture.MEMORY, WebhookApiFixture.REDIS})
    void anotherProjectsPathNeverSeesAnEndpoint(String stores) throws Exception {
        try (WebhookApiFixture api = new WebhookApiFixture(stores)) {
            String id = field(api.call("POST", webhooks(P), "{\"url\":\"" + URL + "\"}"), "id");
            String other = webhooks(TestEdge.OTHER_PROJECT) + "/" + id;
            assertError(api.call("GET", other, null), 404, "endpoint_not_found");
            assertError(api.call("PATCH", other, "{\"enabled\":false}"), 404, "endpoint_not_found");
            assertError(api.call("POST", other + "/rotate", null), 404, "endpoint_not_found");
            assertError(api.call("DELETE", other, null), 404, "endpoint_not_found");
            assertEquals(
                    "{\"endpoints\":[]}\n",
                    api.call("GET", webhooks(TestEdge.OTHER_PROJECT), null).bodyText());
            // Untouched in its own project.
            RawResponse own = api.call("GET", webhooks(P) + "/" + id, null);
            assertEquals(200, own.status());
            assertTrue(own.bodyText().contains("\"enabled\":true"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {WebhookApiFixture.MEMORY, WebhookApiFixture.REDIS})
    void listsAndRedeliversDeadLetters(String stores) throws Exception {
        try (WebhookApiFixture api = new WebhookApiFixture(stores)) {
            for (int i = 1; i <= 3; i++) {
                api.deadLetters.add(DeadLetters.of(P, "msg_" + i, i * 1_000L)).get(5, TimeUnit.SECONDS);
            }
            api.deadLetters
                    .add(DeadLetters.of(TestEdge.OTHER_PROJECT, "msg_x", 1))
                    .get(5, TimeUnit.SECONDS);

            RawResponse first = api.call("GET", webhooks(P) + "/dead-letters?limit=1", null);
            assertEquals(200, first.status(), first.bodyText());
            assertEquals(
                    "{\"dead_letters\":[{\"message_id\":\"msg_1\",\"endpoint_id\":\"ep_a\",\"asset_id\":\"asset-1\","
                            + "\"event_id\":\"1000-3\",\"event_type\":\"ready\",\"attempts\":5,\"error_code\":\"HTTP_503\","
                            + "\"error_msg\":\"endpoint ep_a answered 503\",\"dead_at\":\"1970-01-01T00:00:01Z\"}]}\n",
                    first.bodyText());
            assertEquals(3, count(api.call("GET", webhooks(P) + "/dead-letters", null), "message_id"));

            assertError(
                    api.call("POST", webhooks(TestEdge.OTHER_PROJECT) + "/dead-letters/msg_1/redeliver", null),
                    404,
                    "dead_letter_not_found");
            RawResponse one = api.call("POST", webhooks(P) + "/dead-letters/msg_2/redeliver", null);
            assertEquals(202, one.status(), one.bodyText());
            assertEquals("msg_2", api.redelivered.get(0).messageId());
            assertError(
                    api.call("POST", webhooks(P) + "/dead-letters/msg_2/redeliver", null),
                    404,
                    "dead_letter_not_found");

            RawResponse all = api.call("POST", webhooks(P) + "/dead-letters/redeliver", null);
            assertEquals(202, all.status());
            assertEquals("{\"redelivered\":2}\n", all.bodyText());
            assertEquals(3, api.redelivered.size());
            assertEquals(
                    "{\"dead_letters\":[]}\n",
                    api.call("GET", webhooks(P) + "/dead-letters", null).bodyText());
            assertEquals(
                    1, count(api.call("GET", webhooks(TestEdge.OTHER_PROJECT) + "/dead-letters", null), "message_id"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {WebhookApiFixture.MEMORY, WebhookApiFixture.REDIS})
    void capsEndpointsPerProject(String stores) throws Exception {
        try (WebhookApiFixture api = new WebhookApiFixture(stores)) {
            for (int i = 0; i < 50; i++) {
                assertEquals(
                        201,
                        api.call("POST", webhooks(P), "{\"url\":\"" + URL + "\"}")
                                .status());
            }
            assertError(api.call("POST", webhooks(P), "{\"url\":\"" + URL + "\"}"), 409, "too_many_endpoints");
            assertEquals(
                    201,
                    api.call("POST", webhooks(TestEdge.OTHER_PROJECT), "{\"url\":\"" + URL + "\"}")
                            .status());
        }
    }

    @org.junit.jupiter.api.Test
    void ingestAndTheApiShareAKeptAliveConnection() throws Exception {
        try (WebhookApiFixture api = new WebhookApiFixture(WebhookApiFixture.MEMORY);
                Socket socket = HttpWire.connect(api.edge.port())) {
            String create = keepAlive(
                    HttpWire.request("POST", webhooks(P), "{\"url\":\"" + URL + "\"}", WebhookApiFixture.AUTH));
            String ingest = keepAlive(HttpWire.request(
                    "POST",
                    "/internal/events",
                    com.motioness.edge.support.Events.json(EventType.QUEUED, P, "asset-k"),
                    WebhookApiFixture.AUTH));
            String list = keepAlive(HttpWire.request("GET", webhooks(P), null, WebhookApiFixture.AUTH));
            // Pipelined, in both orders: each aggregator takes only its own route's requests.
            socket.getOutputStream().write((create + ingest + list + ingest + create).getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            assertEquals(201, HttpWire.readResponse(in).status());
            assertEquals(200, HttpWire.readResponse(in).status());
            RawResponse listed = HttpWire.readResponse(in);
            assertEquals(200, listed.status());
            assertNoSecret(listed);
            RawResponse ingested = HttpWire.readResponse(in);
            assertEquals(200, ingested.status());
            assertTrue(ingested.bodyText().startsWith("{\"ids\":"), ingested.bodyText());
            assertEquals(201, HttpWire.readResponse(in).status());
        }
    }

    private static String keepAlive(String request) {
        return request.replace("Connection: close\r\n", "");
    }

    static void assertError(RawResponse response, int status, String code) {
        assertEquals(status, response.status(), response.bodyText());
        assertEquals(code, field(response, "error"), response.bodyText());
    }

    private static void assertNoSecret(RawResponse response) {
        assertFalse(response.bodyText().contains("whsec_"), response.bodyText());
        assertFalse(response.bodyText().contains("\"secret\""), response.bodyText());
    }

    private static int count(RawResponse response, String field) {
        return response.bodyText().split("\"" + field + "\"", -1).length - 1;
    }
}
