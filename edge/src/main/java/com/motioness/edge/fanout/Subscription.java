package com.motioness.edge.fanout;

import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.log.ReplayPage;
import com.motioness.edge.log.StreamRef;
import com.motioness.protocol.EventId;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One client's SSE stream: replays the retained history after its cursor, then follows live
 * events, with no gap and no duplicate at the seam. Confined to its channel's event loop: every
 * method runs there, so it needs no lock.
 *
 * <p>The seam: the subscription joins its {@link LoopFanout} before it reads the log, so any event
 * appended after the read arrives live; live frames that arrive while replaying are held back,
 * and every frame is written only if its id is greater than the last one written.
 */
public final class Subscription {
    private enum State { REPLAYING, LIVE, CLOSED }

    private final Channel channel;
    private final LoopFanout fanout;
    private final StreamSettings settings;
    private final EventLog log;
    private final StreamRef stream;
    private final EventId cursor;
    private final Function<String, CompletableFuture<Boolean>> mayReadProject;
    private final StreamResponder responder;
    private final boolean chunked;

    private State state = State.REPLAYING;
    private boolean headWritten;
    private boolean awaitingWritability;
    private boolean authorized;
    private Supplier<CompletableFuture<Boolean>> recheck;
    private long recheckIntervalNanos;
    private long nextRecheckNanos;
    private boolean recheckPending;
    private Runnable onEnd;
    private String ownerProjectId;
    private long lastMs = -1;
    private long lastSeq = -1;
    private ArrayDeque<SseFrame> heldBack;
    private long lastWriteNanos;
    private long deadlineNanos;
    private long unwritableSinceNanos;
    private CloseReason closeReason;
    private StreamRoute route;
    private int status;
    private long openedNanos;
    private long endedNanos;
    // Per-stream totals for the access log: plain fields, the subscription is loop-confined.
    private long eventsSent;
    private long bytesSent;
    private final LoopCounters counters;

    boolean dirty;
    int groupIndex = -1;
    int loopIndex = -1;

    /**
     * @param cursor the client's Last-Event-ID, or null
     * @param mayReadProject whether the caller may see a project's events (asynchronous: it may
     *     ask a membership store); checked against the
     *     stream's owner before the first byte is written, so an asset of another project is a 404
     * @param chunked false for an HTTP/1.0 client: the body is then delimited by closing
     */
    public Subscription(Channel channel, LoopFanout fanout, EventLog log, StreamRef stream, EventId cursor,
            Function<String, CompletableFuture<Boolean>> mayReadProject, StreamResponder responder, boolean chunked) {
        this.channel = channel;
        this.fanout = fanout;
        this.settings = fanout.settings();
        this.log = log;
        this.stream = stream;
        this.cursor = cursor;
        this.mayReadProject = mayReadProject;
        this.responder = responder;
        this.chunked = chunked;
        this.counters = fanout.counters();
        this.route = stream.isAsset() ? StreamRoute.PUBLIC_ASSET : StreamRoute.PROJECT_ACTIVITY;
        if (cursor != null) {
            lastMs = cursor.ms();
            lastSeq = cursor.seq();
        }
    }

    /**
     * Asks, every {@code interval}, whether what opened the stream still holds (a session not
     * revoked, a key not disabled); a "no" ends the stream. A failed check keeps it open: a store
     * that hiccups must not cut every stream. Call before {@link #open()}.
     */
    public Subscription recheckEvery(Duration interval, Supplier<CompletableFuture<Boolean>> check) {
        this.recheck = check;
        this.recheckIntervalNanos = interval.toNanos();
        return this;
    }

    /** The endpoint that opened the stream, for metrics and the access log. Call before {@link #open()}. */
    public Subscription route(StreamRoute route) {
        this.route = route;
        return this;
    }

    /**
     * Runs once when the stream ends, whatever the reason (limits give their place back; the
     * access log writes its line): the getters below then describe the whole stream.
     */
    public Subscription onEnd(Runnable action) {
        this.onEnd = action;
        return this;
    }

    /** Starts the stream: joins the live fan-out, then replays or goes live at once. */
    public void open() {
        long now = System.nanoTime();
        openedNanos = now;
        deadlineNanos = settings.deadlineFrom(now);
        nextRecheckNanos = now + recheckIntervalNanos;
        fanout.add(this);
        if (!stream.isAsset() && cursor == null) {
            // The activity feed without a cursor starts live: there is nothing to replay.
            ownerProjectId = stream.id();
            writeHead(null, now);
            goLive();
            return;
        }
        readPage(cursor);
    }

    StreamRef stream() {
        return stream;
    }

    Channel channel() {
        return channel;
    }

    /** Why the stream ended, or null while it runs (and for a stream refused before its head). */
    public CloseReason closeReason() {
        return closeReason;
    }

    /** The endpoint that opened the stream. */
    public StreamRoute route() {
        return route;
    }

    /** The HTTP status answered: 200 once the head is written, else 204, 404 or 503; 0 before. */
    public int status() {
        return status;
    }

    /** The project whose events the stream carries, once known (null for an unknown asset). */
    public String projectId() {
        return ownerProjectId;
    }

    /** The asset of an asset stream, null for a project's activity. */
    public String assetId() {
        return stream.isAsset() ? stream.id() : null;
    }

    /** Event frames written to this stream. */
    public long eventsSent() {
        return eventsSent;
    }

    /** SSE body bytes written to this stream (events and pings, chunk framing included). */
    public long bytesSent() {
        return bytesSent;
    }

    /** From {@link #open()} to the end, or to now while the stream runs. */
    public long durationNanos() {
        return (endedNanos != 0 ? endedNanos : System.nanoTime()) - openedNanos;
    }

    private void readPage(EventId after) {
        log.read(stream, after, StreamSettings.REPLAY_PAGE_SIZE).whenComplete((page, error) ->
                // Always a fresh task: the embedded log completes inline, and a long replay must
                // neither recurse nor hold the loop from its other channels.
                channel.eventLoop().execute(() -> onPage(page, error)));
    }

    private void onPage(ReplayPage page, Throwable error) {
        if (state == State.CLOSED) {
            return;
        }
        long now = System.nanoTime();
        if (error != null) {
            if (headWritten) {
                close(CloseReason.ERROR);
            } else {
                reject(503);
                responder.writeUnavailable(channel, "event log unavailable: " + error.getMessage());
            }
            return;
        }
        if (!headWritten) {
            if (!page.found()) {
                reject(404);
                responder.writeNotFound(channel);
                return;
            }
            if (!authorized) {
                mayReadProject.apply(page.ownerProjectId()).whenComplete((allowed, denied) ->
                        channel.eventLoop().execute(() -> onAuthorized(page, allowed, denied)));
                return;
            }
            ownerProjectId = page.ownerProjectId();
            EventId terminal = page.terminalId();
            if (cursor != null && terminal != null && cursor.compareTo(terminal) >= 0) {
                reject(204);
                responder.writeNoContent(channel);
                return;
            }
            writeHead(page.truncatedFor(cursor) ? truncationNotice(page.trimmedThrough()) : null, now);
            counters.replays++;
        }
        for (LoggedEvent event : page.events()) {
            if (!event.isAfter(lastMs, lastSeq)) {
                continue;
            }
            io.netty.buffer.ByteBuf frame = StreamFrames.event(settings.alloc, event.type(), event.ms(), event.seq(),
                    event.json(), chunked);
            int length = frame.readableBytes();
            write(frame);
            counted(length);
            counters.replayedEvents++;
            lastMs = event.ms();
            lastSeq = event.seq();
            lastWriteNanos = now;
            if (stream.isAsset() && event.type().isTerminal()) {
                end(CloseReason.TERMINAL);
                return;
            }
        }
        channel.flush();
        if (!page.more()) {
            goLive();
        } else if (channel.isWritable()) {
            readPage(new EventId(lastMs, lastSeq));
        } else {
            // Replay at the client's pace: the next page is read when the socket drains.
            awaitingWritability = true;
        }
    }

    /** The caller may or may not see the stream's project; someone else's asset is a 404. */
    private void onAuthorized(ReplayPage page, Boolean allowed, Throwable error) {
        if (state == State.CLOSED) {
            return;
        }
        if (error != null || allowed == null) {
            reject(503);
            responder.writeUnavailable(channel, "access check unavailable");
        } else if (!allowed) {
            reject(404);
            responder.writeNotFound(channel);
        } else {
            authorized = true;
            onPage(page, null);
        }
    }

    private static String truncationNotice(EventId trimmedThrough) {
        return "replay truncated: events up to " + trimmedThrough + " are no longer retained";
    }

    private void writeHead(String truncationNotice, long now) {
        responder.writeStreamHead(channel, chunked, truncationNotice);
        headWritten = true;
        status = 200;
        counters.opened[route.ordinal()]++;
        lastWriteNanos = now;
    }

    private void goLive() {
        state = State.LIVE;
        ArrayDeque<SseFrame> held = heldBack;
        heldBack = null;
        if (held != null) {
            long now = System.nanoTime();
            SseFrame frame;
            while ((frame = held.poll()) != null) {
                // A terminal frame among them ends the stream; the rest are only released.
                if (state == State.LIVE) {
                    onLive(frame, now);
                }
                frame.release();
            }
        }
        if (state != State.CLOSED) {
            channel.flush();
        }
    }

    /**
     * Takes one live frame. Runs on the loop for every frame of this stream, so it allocates
     * nothing and writes without flushing; the fan-out flushes once per batch.
     *
     * @return true when it wrote, so the channel needs a flush
     */
    boolean onLive(SseFrame frame, long nowNanos) {
        if (state == State.LIVE) {
            // A project group is keyed by this project already; an asset group by the asset id
            // alone, so there the owner is checked: another project's asset never gets through.
            if (EventId.compare(frame.ms, frame.seq, lastMs, lastSeq) <= 0
                    || (stream.isAsset() && !frame.projectId.equals(ownerProjectId)) || !writableOrCut(nowNanos)) {
                return false;
            }
            channel.write(frame.retainedFor(chunked), channel.voidPromise());
            counted(frame.length(chunked));
            lastMs = frame.ms;
            lastSeq = frame.seq;
            lastWriteNanos = nowNanos;
            if (stream.isAsset() && frame.isTerminal()) {
                end(CloseReason.TERMINAL);
                return false;
            }
            return true;
        }
        if (state == State.REPLAYING) {
            if (heldBack == null) {
                heldBack = new ArrayDeque<>();
            }
            if (heldBack.size() >= StreamSettings.MAX_HELD_LIVE_FRAMES) {
                close(CloseReason.SLOW_CONSUMER);
                return false;
            }
            frame.retain();
            heldBack.add(frame);
        }
        return false;
    }

    /**
     * A stream that stays unwritable longer than the timeout, or whose waiting bytes pass the hard
     * ceiling, is cut: it resumes from its cursor elsewhere and loses nothing, while memory per
     * connection stays bounded.
     */
    private boolean writableOrCut(long nowNanos) {
        if (channel.isWritable()) {
            unwritableSinceNanos = 0;
            return true;
        }
        if (unwritableSinceNanos == 0) {
            unwritableSinceNanos = nowNanos;
        } else if (nowNanos - unwritableSinceNanos > settings.slowConsumerTimeoutNanos) {
            close(CloseReason.SLOW_CONSUMER);
            return false;
        }
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        if (pending != null && pending.totalPendingWriteBytes() > settings.maxPendingBytes) {
            close(CloseReason.SLOW_CONSUMER);
            return false;
        }
        return true;
    }

    /**
     * Periodic check from the loop's ticker: the cap, the slow-consumer timeout and the heartbeat.
     *
     * @return true when it wrote a ping, so the channel needs a flush
     */
    boolean onTick(long nowNanos, LoopFanout fanout) {
        if (state == State.CLOSED) {
            return false;
        }
        if (nowNanos - deadlineNanos >= 0) {
            end(CloseReason.CAP);
            return false;
        }
        if (unwritableSinceNanos != 0 && nowNanos - unwritableSinceNanos > settings.slowConsumerTimeoutNanos) {
            close(CloseReason.SLOW_CONSUMER);
            return false;
        }
        if (recheck != null && !recheckPending && nowNanos - nextRecheckNanos >= 0) {
            recheckPending = true;
            recheck.get().whenComplete((stillValid, error) -> channel.eventLoop().execute(() -> {
                recheckPending = false;
                nextRecheckNanos = System.nanoTime() + recheckIntervalNanos;
                if (error == null && Boolean.FALSE.equals(stillValid)) {
                    end(CloseReason.AUTH);
                }
            }));
        }
        if (headWritten && nowNanos - lastWriteNanos >= settings.pingIntervalNanos && channel.isWritable()) {
            SseFrame ping = fanout.pingFrame();
            channel.write(ping.retainedFor(chunked), channel.voidPromise());
            int length = ping.length(chunked);
            bytesSent += length;
            counters.bytes += length;
            counters.pings++;
            lastWriteNanos = nowNanos;
            return true;
        }
        return false;
    }

    /** From the channel handler: the socket drained below the low-water mark, or filled up. */
    public void onWritabilityChanged() {
        if (state == State.CLOSED || !channel.isWritable()) {
            return;
        }
        unwritableSinceNanos = 0;
        if (awaitingWritability) {
            awaitingWritability = false;
            readPage(new EventId(lastMs, lastSeq));
        }
    }

    /** From the channel handler: the connection closed (client, error or us). */
    public void onChannelInactive() {
        if (state != State.CLOSED) {
            closeReason = CloseReason.CLIENT;
            leave();
        }
    }

    /**
     * Ends the stream cleanly: finishes the body so the client knows to reconnect, then closes. A
     * client that stopped reading gets the slow-consumer timeout to take the end, then is cut; its
     * connection is reset rather than closed (see {@link StalledClose}).
     */
    void end(CloseReason reason) {
        if (state == State.CLOSED) {
            return;
        }
        closeReason = reason;
        leave();
        if (headWritten && chunked) {
            ChannelFuture last = channel.writeAndFlush(StreamFrames.LAST_CHUNK.duplicate());
            last.addListener(StalledClose.AFTER_WRITE);
            if (!last.isDone()) {
                // The last chunk waits behind a full kernel buffer. The stream has left the fan-out,
                // so no tick would ever cut it: without this the connection, its queued bytes and its
                // place would stay until the client went away.
                channel.eventLoop().schedule(() -> StalledClose.close(channel), settings.slowConsumerTimeoutNanos,
                        TimeUnit.NANOSECONDS);
            }
        } else {
            channel.flush();
            StalledClose.close(channel);
        }
    }

    /**
     * Cuts the stream at once, dropping what it has not written; a client that stopped reading is
     * reset, so the kernel frees what it queued for it (see {@link StalledClose}).
     */
    void close(CloseReason reason) {
        if (state == State.CLOSED) {
            return;
        }
        closeReason = reason;
        leave();
        StalledClose.close(channel);
    }

    /** Leaves the fan-out before any answer but 200; the responder then writes that answer. */
    private void reject(int answered) {
        status = answered;
        leave();
    }

    /** One event frame written: the stream's and the loop's counters, plain adds on the loop. */
    private void counted(int length) {
        eventsSent++;
        bytesSent += length;
        counters.eventFrames++;
        counters.bytes += length;
    }

    private void leave() {
        state = State.CLOSED;
        endedNanos = System.nanoTime();
        if (headWritten) {
            counters.countClosed(route, closeReason);
        }
        // Give places back before leaving the fan-out: whoever sees the stream count drop may
        // count on its places being free.
        if (onEnd != null) {
            Runnable action = onEnd;
            onEnd = null;
            action.run();
        }
        fanout.remove(this);
        if (heldBack != null) {
            SseFrame frame;
            while ((frame = heldBack.poll()) != null) {
                frame.release();
            }
            heldBack = null;
        }
    }

    private void write(io.netty.buffer.ByteBuf frame) {
        channel.write(frame, channel.voidPromise());
    }
}
