package com.motioness.edge.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.support.Poll;
import com.motioness.protocol.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Publishing into the ring from an outside log's reader. */
class EventRingTest {
    @Test
    void aBatchLargerThanTheRingIsPublishedWholeAndInOrder() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (EventRing ring = new EventRing(8, (slot, sequence, endOfBatch) -> seen.add(slot.ms()))) {
            RingEvent[] batch = new RingEvent[30];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = new LoggedEvent(i, 0, EventType.QUEUED, "p", "a", "{}".getBytes(StandardCharsets.US_ASCII));
            }
            // 27 of the 30: a reader's batch array is larger than what one read filled.
            ring.publish(batch, 27);
            Poll.until(() -> seen.size() == 27, Duration.ofSeconds(5), "every event of the batch");
            for (int i = 0; i < 27; i++) {
                assertEquals(i, seen.get(i));
            }
        }
    }
}
