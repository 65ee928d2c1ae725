package com.motioness.edge.webhook.dispatch;

import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jctools.queues.MpscArrayQueue;

/**
 * The embedded mode's intake: the ring's consumer offers every event, and the dispatcher's thread
 * drains them. Never blocks the ring: a full queue drops the event and counts it (the embedded mode
 * is not durable anyway). Webhook events are never queued: a delivery never triggers another.
 */
final class RingIntake {
    private final MpscArrayQueue<TakenEvent> queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final LongAdder dropped = new LongAdder();
    private final Runnable wake;

    /** @param wake asks the dispatcher's thread to drain, called at most once per drain */
    RingIntake(int capacity, Runnable wake) {
        this.queue = new MpscArrayQueue<>(capacity);
        this.wake = wake;
    }

    /** Called on the ring's consumer thread; copies the fields, since the slot is reused. */
    void offer(long ms, long seq, EventType type, String projectId, String assetId, byte[] json) {
        if (type == null || type.isWebhook()) {
            return;
        }
        if (!queue.offer(new TakenEvent(new EventId(ms, seq), type, projectId, assetId, json))) {
            dropped.increment();
            return;
        }
        if (drainScheduled.compareAndSet(false, true)) {
            wake.run();
        }
    }

    /** Takes every queued event, on the dispatcher's thread. */
    void drain(Consumer<TakenEvent> handler) {
        drainScheduled.set(false);
        TakenEvent taken;
        while ((taken = queue.poll()) != null) {
            handler.accept(taken);
        }
    }

    /** Events dropped because the queue was full. */
    long dropped() {
        return dropped.sum();
    }
}
