package com.motioness.edge.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;

/**
 * Two streams a client must not tell apart: an asset of a project the caller may not read, and an
 * asset that does not exist. Both are open 200 streams that say the same and deliver nothing.
 */
public final class LookAlike {
    /** How long both are watched for a byte that would tell them apart. */
    private static final Duration QUIET = Duration.ofMillis(300);

    private LookAlike() {}

    /** Same status, same headers, same bytes, and both still open after a quiet while. */
    public static void assertIndistinguishable(SseClient theirs, SseClient missing) throws InterruptedException {
        assertEquals(200, missing.status(), "an unknown asset gets a stream that waits for it");
        assertEquals(missing.status(), theirs.status());
        assertEquals(missing.headers(), theirs.headers(), "the heads say the same");
        Poll.until(
                () -> missing.rawBody().length > 0 && theirs.rawBody().length > 0,
                Duration.ofSeconds(5),
                "the first frame of both");
        Thread.sleep(QUIET.toMillis());
        // Heartbeats come on each stream's own schedule; everything else must be the same bytes.
        assertEquals(withoutPings(missing), withoutPings(theirs), "the bodies say the same");
        assertFalse(theirs.isEnded() || missing.isEnded(), "both stay open");
    }

    private static String withoutPings(SseClient client) {
        return new String(client.rawBody(), java.nio.charset.StandardCharsets.UTF_8).replace(": ping\n\n", "");
    }
}
