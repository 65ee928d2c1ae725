package com.motioness.edge.support;

import com.motioness.edge.webhook.DeadLetter;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;

/** Dead letters for the store and API tests. */
public final class DeadLetters {
    private DeadLetters() {}

    /**
     * A letter of endpoint {@code ep_a}, asset {@code asset-1}, event {@code <deadMs>-3}, after 5
     * attempts ending in a 503. Its body has bytes that are not UTF-8, to prove it is kept as bytes.
     */
    public static DeadLetter of(String project, String messageId, long deadMs) {
        byte[] body = {'{', '"', 'x', '"', ':', 1, (byte) 0xff, (byte) 0xc3, '}'};
        return new DeadLetter(
                messageId,
                "ep_a",
                project,
                "asset-1",
                new EventId(deadMs, 3),
                EventType.READY,
                body,
                5,
                "HTTP_503",
                "endpoint ep_a answered 503",
                deadMs);
    }
}
