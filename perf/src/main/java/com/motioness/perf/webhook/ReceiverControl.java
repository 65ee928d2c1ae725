package com.motioness.perf.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The load driver's side of a receiver's control port ({@link ControlHandler}). */
final class ReceiverControl {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;

    /** @param base e.g. {@code http://127.0.0.1:19090} */
    ReceiverControl(String base) {
        this.base = base;
    }

    void secrets(String lines) throws IOException, InterruptedException {
        call("/secrets", lines);
    }

    void mode(String path, String mode) throws IOException, InterruptedException {
        call(
                "/mode?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8) + "&mode="
                        + URLEncoder.encode(mode, StandardCharsets.UTF_8),
                "");
    }

    String report() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/report"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("receiver report: HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** A top-level number of a report, e.g. {@code unique}; -1 if absent. */
    static long number(String report, String field) throws IOException {
        String value = TopLevelFields.of(report).get(field);
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void call(String pathAndQuery, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "receiver " + pathAndQuery + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }
}
