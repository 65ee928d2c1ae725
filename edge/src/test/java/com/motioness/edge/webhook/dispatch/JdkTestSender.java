package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.webhook.AttemptResult;
import com.motioness.edge.webhook.WebhookRequest;
import com.motioness.edge.webhook.WebhookSender;
import com.motioness.protocol.webhook.WebhookSignature;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A test sender that really POSTs, with the JDK's client: the dispatcher's tests do not depend on
 * the Netty client, which has tests of its own. Errors map roughly to the contract's codes.
 */
final class JdkTestSender implements WebhookSender {
    private final HttpClient client = HttpClient.newBuilder()
            // HTTP/1.1 only: an h2c upgrade makes concurrent requests to a host wait on the first one.
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Override
    public CompletableFuture<AttemptResult> send(WebhookRequest request) {
        long start = System.nanoTime();
        HttpRequest post = HttpRequest.newBuilder(request.url())
                .timeout(request.timeout())
                .header("content-type", "application/json")
                .header(WebhookSignature.ID_HEADER, request.messageId())
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(request.timestampSeconds()))
                .header(WebhookSignature.SIGNATURE_HEADER, request.signatures())
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()))
                .build();
        return client.sendAsync(post, HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
            long latency = System.nanoTime() - start;
            if (error == null) {
                int status = response.statusCode();
                return status / 100 == 2
                        ? new AttemptResult(status, null, null, latency)
                        : new AttemptResult(status, "HTTP_" + status, "HTTP " + status, latency);
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String code = cause instanceof HttpTimeoutException
                    ? "TIMEOUT"
                    : cause instanceof ConnectException ? "CONNECT_REFUSED" : "OTHER";
            return new AttemptResult(0, code, cause.toString(), latency);
        });
    }

    @Override
    public void close() {}
}
