package com.motioness.edge.fanout;

import com.lmax.disruptor.EventHandler;
import com.motioness.edge.ring.RingSlot;
import com.motioness.protocol.EventType;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ring's consumer: encodes each event's SSE frame once into a pooled buffer, from the routing
 * fields and JSON its slot carries (the JSON is never decoded here), and hands that one frame to
 * every event loop that has subscribers. At the end of a ring batch it wakes each loop it handed
 * frames to, once.
 */
public final class FanoutDispatcher implements EventHandler<RingSlot> {
    private final ByteBufAllocator alloc;
    private final LoopFanout[] loops;
    private final boolean[] handedFrames;
    private final LongAdder dispatched = new LongAdder();
    /** Written by the ring's thread alone, read racily by a scrape (see {@link LoopCounters}). */
    private long eventsIn;

    /** @param loops the fan-out of every event loop that serves streams */
    public FanoutDispatcher(ByteBufAllocator alloc, List<LoopFanout> loops) {
        this.alloc = alloc;
        this.loops = loops.toArray(new LoopFanout[0]);
        this.handedFrames = new boolean[this.loops.length];
    }

    @Override
    public void onEvent(RingSlot slot, long sequence, boolean endOfBatch) {
        EventType type = slot.type();
        String projectId = slot.projectId();
        String assetId = slot.assetId();
        byte[] json = slot.json();
        slot.clear();
        eventsIn++;
        if (anyLoopHasSubscribers()) {
            dispatch(slot.ms(), slot.seq(), type, projectId, assetId, json);
        }
        if (endOfBatch) {
            for (int i = 0; i < loops.length; i++) {
                if (handedFrames[i]) {
                    handedFrames[i] = false;
                    loops[i].scheduleDelivery();
                }
            }
        }
    }

    private boolean anyLoopHasSubscribers() {
        for (LoopFanout loop : loops) {
            if (loop.hasSubscribers()) {
                return true;
            }
        }
        return false;
    }

    private void dispatch(long ms, long seq, EventType type, String projectId, String assetId, byte[] json) {
        SharedFrame frame = SharedFrame.event(alloc, ms, seq, type, projectId, assetId, json);
        try {
            for (int i = 0; i < loops.length; i++) {
                if (loops[i].hasSubscribers()) {
                    loops[i].offer(frame);
                    handedFrames[i] = true;
                }
            }
        } finally {
            frame.release();
        }
        dispatched.increment();
    }

    /** Events taken off the ring, with or without subscribers; read without synchronisation. */
    public long eventsIn() {
        return eventsIn;
    }

    /** Events encoded and handed to at least one loop. */
    public long dispatchedCount() {
        return dispatched.sum();
    }
}
