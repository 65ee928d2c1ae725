package com.motioness.edge.support;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Standard Webhooks reference verifier a receiver would use, the npm package
 * {@code standardwebhooks}, run over a JSON file of {@code {secret, headers, body}} deliveries
 * ({@code src/test/node/verify-webhooks.mjs}).
 */
public final class ReferenceVerifier {
    private ReferenceVerifier() {}

    /** One verdict per delivery, in order: {@code VERIFIED} or {@code REJECTED}. */
    public static List<String> verdicts(Path deliveries) throws IOException, InterruptedException {
        RealClients.requireWebhookVerifier();
        try (NodeScript verifier = NodeScript.start(
                RealClients.EVENTSOURCE_DIR,
                "verify-webhooks.mjs",
                deliveries.toAbsolutePath().toString())) {
            verifier.await("DONE"::equals, Duration.ofSeconds(20));
            List<String> verdicts = new ArrayList<>();
            for (String line : verifier.output()) {
                if (line.startsWith("VERIFIED") || line.startsWith("REJECTED")) {
                    verdicts.add(line.split(" ")[0]);
                }
            }
            return verdicts;
        }
    }
}
