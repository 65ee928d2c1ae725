package com.motioness.edge.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.TimeUnit;

/**
 * The live feed of one edge node: an LMAX Disruptor ring that the log publishes appended events
 * into, in id order, and that one consumer thread takes off to fan events out to subscribers.
 *
 * <p>Publishing is multi-producer safe, but callers that need id order across producers must
 * publish under the same lock that assigns the ids (the embedded log does).
 */
public final class EventRing implements AutoCloseable {
    private final Disruptor<RingSlot> disruptor;
    private final RingBuffer<RingSlot> ring;

    /**
     * Starts the ring and its consumer thread.
     *
     * @param size slots, a power of two
     * @param consumer the single consumer; sees every event once, in publish order
     */
    public EventRing(int size, EventHandler<RingSlot> consumer) {
        disruptor = new Disruptor<>(
                RingSlot::new,
                size,
                runnable -> {
                    // A FastThreadLocalThread, like the event loops: Netty recycles the pooled buffer object
                    // of each frame encoded here only on such threads (bench: 160 B per event otherwise, 56).
                    Thread thread = new FastThreadLocalThread(runnable, "motioness-ring");
                    thread.setDaemon(true);
                    return thread;
                },
                ProducerType.MULTI,
                new BlockingWaitStrategy());
        disruptor.handleEventsWith(consumer);
        ring = disruptor.start();
    }

    /**
     * Publishes all of {@code events} or none of them, without waiting.
     *
     * @return false when the ring lacks room for the whole batch
     */
    public boolean tryPublish(RingEvent[] events) {
        return ring.tryPublishEvents(RingSlot.FROM_EVENT, 0, events.length, events);
    }

    /**
     * Publishes one entry read from an outside log (Redis), waiting for room if the ring is full:
     * the reader then stops reading, which is the backpressure it needs.
     */
    public void publish(RingEvent event) {
        ring.publishEvent(RingSlot.FROM_EVENT, event);
    }

    /**
     * Publishes the first {@code count} of {@code events} read together from an outside log, in
     * order, waiting for room as {@link #publish(RingEvent)} does. One publish per batch wakes the
     * consumer once (the wait strategy signals at every publish), not once per entry.
     */
    public void publish(RingEvent[] events, int count) {
        int step = Math.min(count, ring.getBufferSize());
        for (int from = 0; from < count; from += step) {
            ring.publishEvents(RingSlot.FROM_EVENT, from, Math.min(step, count - from), events);
        }
    }

    /** Slots taken but not yet consumed. */
    public long occupancy() {
        return ring.getBufferSize() - ring.remainingCapacity();
    }

    /** Total slots. */
    public int capacity() {
        return ring.getBufferSize();
    }

    /** Lets the consumer finish what was published, then stops it (at most one second). */
    @Override
    public void close() {
        try {
            disruptor.shutdown(1, TimeUnit.SECONDS);
        } catch (com.lmax.disruptor.TimeoutException e) {
            disruptor.halt();
        }
    }
}
