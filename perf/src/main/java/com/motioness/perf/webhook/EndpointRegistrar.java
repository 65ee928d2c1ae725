package com.motioness.perf.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Registers webhook endpoints through the edge's API, {@code POST /internal/projects/{p}/webhooks}
 * with the ingest token, and keeps what the answer gives once: the endpoint's id and secret.
 */
final class EndpointRegistrar {
    private static final JsonFactory JSON = new JsonFactory();

    /** One registered endpoint; {@code toString} never shows the secret. */
    record Registered(String path, String projectId, String endpointId, String secret) {
        @Override
        public String toString() {
            return "Registered[" + path + ", " + projectId + ", " + endpointId + "]";
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String api;
    private final String token;

    /** @param api the edge's base URL, e.g. {@code http://127.0.0.1:18080} */
    EndpointRegistrar(String api, String token) {
        this.api = api;
        this.token = token;
    }

    Registered register(String projectId, String url, String path, List<String> eventTypes)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(api + "/internal/projects/" + projectId + "/webhooks"))
                        .header("authorization", "Bearer " + token)
                        .header("content-type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(requestJson(url, eventTypes)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            // The body of a refusal holds no secret (none was created).
            throw new IOException("registering " + url + " for " + projectId + ": HTTP " + response.statusCode() + " "
                    + response.body());
        }
        Map<String, String> fields = TopLevelFields.of(response.body());
        String id = fields.get("id");
        String secret = fields.get("secret");
        if (id == null || secret == null) {
            throw new IOException("registering " + url + ": the 201 lacks id or secret");
        }
        return new Registered(path, projectId, id, secret);
    }

    private static String requestJson(String url, List<String> eventTypes) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("url", url);
            json.writeArrayFieldStart("event_types");
            for (String type : eventTypes) {
                json.writeString(type);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return text.toString();
    }
}
