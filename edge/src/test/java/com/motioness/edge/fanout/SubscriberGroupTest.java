package com.motioness.edge.fanout;

import static org.junit.jupiter.api.Assertions.assertSame;

import com.motioness.edge.log.StreamRef;
import org.junit.jupiter.api.Test;

class SubscriberGroupTest {
    @Test
    void subscribersOfOneStreamShareItsReferenceAndOnlyAnEqualOne() {
        SubscriberGroup group = new SubscriberGroup();
        StreamRef first = StreamRef.asset(new String("a-1"), "p1");
        assertSame(first, group.shared(first));

        // Another request's parse of the same path: equal, another instance, and its id string too.
        assertSame(first, group.shared(StreamRef.asset(new String("a-1"), "p1")));

        // Another project hint is another stream reference: kept as it is.
        StreamRef otherHint = StreamRef.asset("a-1", "p2");
        assertSame(otherHint, group.shared(otherHint));
        StreamRef noHint = StreamRef.asset("a-1");
        assertSame(noHint, group.shared(noHint));
    }
}
