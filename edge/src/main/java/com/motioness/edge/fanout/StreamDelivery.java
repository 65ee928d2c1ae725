package com.motioness.edge.fanout;

import com.motioness.edge.log.LoggedEvent;
import com.motioness.protocol.EventId;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Writes one stream's frames to its channel, and closes the channel when the stream ends. Holds
 * the id of the last event written, which every write must pass (so the replay/live seam neither
 * loses nor doubles an event), the time of the last write (the heartbeat's idle clock), and the
 * backpressure state: a stream whose channel stays unwritable too long, or holds too many bytes,
 * is cut. Loop-confined; the live write runs for every frame of the stream and allocates nothing.
 */
final class StreamDelivery {
    private final Subscription subscription;
    private final Channel channel;
    private final boolean chunked;
    /** An asset stream ends at its terminal event and checks each live frame's project. */
    private final boolean asset;

    private final LoopCounters counters;
    // Read only off the per-delivery path (replay, unwritable channel, tick): one reference rather
    // than a copy of each setting in every stream.
    private final StreamSettings settings;

    /** The project whose events the stream carries, once known. */
    private String projectId;

    private long lastMs = -1;
    private long lastSeq = -1;
    private long lastWriteNanos;
    // The stream's totals for the access log, counted here rather than in StreamStats: the live
    // write runs for every subscriber of every event and should touch one object of its stream,
    // as it did before Subscription was split (docs/perf.md, issue 12).
    private long eventsSent;
    private long bytesSent;
    private boolean stalled;
    private long stalledSinceNanos;
    /** Set by the subscription once the replay is written: live frames are written from then on. */
    private boolean live;

    // The fan-out's bookkeeping, here rather than in Subscription: the fan-out's groups hold this
    // object, so a delivery touches one object of its stream, not two.
    /** Written since the last flush: on the fan-out's list of channels to flush. */
    boolean dirty;
    /** Where this stream sits in its {@link SubscriberGroup}; -1 outside. */
    int groupIndex = -1;

    StreamDelivery(
            Subscription subscription,
            Channel channel,
            boolean chunked,
            boolean asset,
            LoopCounters counters,
            StreamSettings settings) {
        this.subscription = subscription;
        this.channel = channel;
        this.chunked = chunked;
        this.asset = asset;
        this.counters = counters;
        this.settings = settings;
    }

    /** From now on the stream carries {@code projectId}'s events (an asset's owner), and only its. */
    void follow(String projectId) {
        this.projectId = projectId;
    }

    String projectId() {
        return projectId;
    }

    boolean chunked() {
        return chunked;
    }

    /** Only events after {@code id} are written from now on. */
    void resumeAfter(EventId id) {
        lastMs = id.ms();
        lastSeq = id.seq();
    }

    /** The last event written, or the cursor the stream resumed after (allocates: not per delivery). */
    EventId lastWritten() {
        return new EventId(lastMs, lastSeq);
    }

    long lastWriteNanos() {
        return lastWriteNanos;
    }

    /** The head went out at {@code nowNanos}: the heartbeat's idle time counts from there. */
    void headWritten(long nowNanos) {
        lastWriteNanos = nowNanos;
    }

    /**
     * Takes one frame of its stream from the fan-out and writes it, unless it is not after the last
     * one written or of another project; a stream that is not live yet hands it to its subscription,
     * which holds it back during the replay. Runs on the loop for every frame of every subscriber, so
     * it allocates nothing and writes without flushing (the fan-out flushes once per batch). One
     * method, not a check that calls a writer: the channel's own write beneath it is deep, and the
     * JIT's inlining depth is bounded, so the loop's path keeps the shape it had before the split.
     *
     * @return true when it wrote, so the channel needs a flush
     */
    boolean onLive(SharedFrame frame, long nowNanos) {
        if (!live) {
            subscription.onNotLive(frame);
            return false;
        }
        // A project group is keyed by this project already; an asset group by the asset id
        // alone, so there the owner is checked: another project's asset never gets through.
        if (EventId.compare(frame.ms, frame.seq, lastMs, lastSeq) <= 0
                || (asset && !frame.projectId.equals(projectId))
                || !writableOrCut(nowNanos)) {
            return false;
        }
        channel.write(frame.retainedFor(chunked), channel.voidPromise());
        eventWritten(frame.length(chunked));
        lastMs = frame.ms;
        lastSeq = frame.seq;
        lastWriteNanos = nowNanos;
        if (asset && frame.isTerminal()) {
            subscription.end(EndReason.TERMINAL);
            return false;
        }
        return true;
    }

    void live(boolean live) {
        this.live = live;
    }

    Channel channel() {
        return channel;
    }

    /**
     * Writes one event read from the log, encoded for this stream, unless it is not after the last
     * one written; no flush.
     *
     * @return false when it was the asset's terminal event and the stream ended
     */
    boolean writeReplayed(LoggedEvent event, long nowNanos) {
        if (!event.isAfter(lastMs, lastSeq)) {
            return true;
        }
        ByteBuf frame =
                ChunkFraming.event(settings.alloc, event.type(), event.ms(), event.seq(), event.json(), chunked);
        int length = frame.readableBytes();
        channel.write(frame, channel.voidPromise());
        eventWritten(length);
        counters.replayedEvents++;
        lastMs = event.ms();
        lastSeq = event.seq();
        lastWriteNanos = nowNanos;
        if (asset && event.type().isTerminal()) {
            subscription.end(EndReason.TERMINAL);
            return false;
        }
        return true;
    }

    /** Writes the tick's shared heartbeat frame; no flush. */
    void writePing(SharedFrame ping, long nowNanos) {
        channel.write(ping.retainedFor(chunked), channel.voidPromise());
        int length = ping.length(chunked);
        bytesSent += length;
        counters.bytes += length;
        counters.pings++;
        lastWriteNanos = nowNanos;
    }

    /** One event frame written: the stream's and the loop's counters, plain adds on the loop. */
    private void eventWritten(int length) {
        eventsSent++;
        bytesSent += length;
        counters.eventFrames++;
        counters.bytes += length;
    }

    /** Event frames written to this stream. */
    long eventsSent() {
        return eventsSent;
    }

    /** SSE body bytes written to this stream (events and pings, chunk framing included). */
    long bytesSent() {
        return bytesSent;
    }

    /**
     * A stream that stays unwritable longer than the timeout, or whose waiting bytes pass the hard
     * ceiling, is cut: it resumes from its cursor elsewhere and loses nothing, while memory per
     * connection stays bounded.
     */
    private boolean writableOrCut(long nowNanos) {
        if (channel.isWritable()) {
            stalled = false;
            return true;
        }
        if (!stalled) {
            stalled = true;
            stalledSinceNanos = nowNanos;
        } else if (nowNanos - stalledSinceNanos > settings.slowConsumerTimeoutNanos) {
            subscription.cut(EndReason.SLOW_CONSUMER);
            return false;
        }
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        // A channel without an outbound buffer of its own (an HTTP/2 stream's, whose frames wait in
        // its connection's flow controller) tells its waiting bytes past the low-water mark instead.
        long waiting = pending != null ? pending.totalPendingWriteBytes() : channel.bytesBeforeWritable();
        if (waiting > settings.maxPendingBytes) {
            subscription.cut(EndReason.SLOW_CONSUMER);
            return false;
        }
        return true;
    }

    /** True when a live write found the channel unwritable longer than the slow-consumer timeout ago. */
    boolean stalledTooLong(long nowNanos) {
        return stalled && nowNanos - stalledSinceNanos > settings.slowConsumerTimeoutNanos;
    }

    /** The channel is writable again. */
    void onWritable() {
        stalled = false;
    }

    /**
     * Finishes the body so the client knows to reconnect, then closes the channel. A client that
     * stopped reading gets the slow-consumer timeout to take the end, then is cut; its connection
     * is reset rather than closed (see {@link StalledClose}).
     */
    void finishAndClose(boolean headWritten) {
        if (headWritten && chunked) {
            ChannelFuture last = channel.writeAndFlush(ChunkFraming.LAST_CHUNK.duplicate());
            last.addListener(StalledClose.AFTER_WRITE);
            if (!last.isDone()) {
                // The last chunk waits behind a full kernel buffer. The stream has left the fan-out,
                // so no tick would ever cut it: without this the connection, its queued bytes and its
                // place would stay until the client went away.
                channel.eventLoop()
                        .schedule(
                                () -> StalledClose.close(channel),
                                settings.slowConsumerTimeoutNanos,
                                TimeUnit.NANOSECONDS);
            }
        } else {
            channel.flush();
            StalledClose.close(channel);
        }
    }

    /**
     * Closes the channel at once, dropping what it has not written; a client that stopped reading
     * is reset, so the kernel frees what it queued for it (see {@link StalledClose}).
     */
    void closeNow() {
        StalledClose.close(channel);
    }
}
