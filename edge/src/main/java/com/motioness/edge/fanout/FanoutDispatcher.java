package com.motioness.edge.fanout;

import com.lmax.disruptor.EventHandler;
import com.motioness.edge.ring.RingSlot;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventValidationException;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ring's consumer: decodes each event once, encodes its SSE frame once into a pooled buffer,
 * and hands that one frame to every event loop that has subscribers. At the end of a ring batch it
 * wakes each loop it handed frames to, once.
 */
public final class FanoutDispatcher implements EventHandler<RingSlot> {
    private static final Logger LOG = LoggerFactory.getLogger(FanoutDispatcher.class);

    private final ByteBufAllocator alloc;
    private final LoopFanout[] loops;
    private final boolean[] handedFrames;
    private final LongAdder undecodable = new LongAdder();
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
        byte[] json = slot.json();
        slot.clear();
        eventsIn++;
        if (anyLoopHasSubscribers()) {
            dispatch(slot.ms(), slot.seq(), json);
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

    private void dispatch(long ms, long seq, byte[] json) {
        AssetEvent event;
        try {
            event = EventJson.decode(json);
        } catch (EventValidationException e) {
            // A bad entry is skipped and counted; it must never stop the feed for everyone else.
            undecodable.increment();
            LOG.warn("skipped undecodable event {}-{}: {}", ms, seq, e.getMessage());
            return;
        }
        SseFrame frame = SseFrame.event(alloc, ms, seq, event.type(), event.projectId(), event.assetId(), json);
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

    /** Events skipped because their JSON did not decode. */
    public long undecodableCount() {
        return undecodable.sum();
    }

    /** Events encoded and handed to at least one loop. */
    public long dispatchedCount() {
        return dispatched.sum();
    }
}
