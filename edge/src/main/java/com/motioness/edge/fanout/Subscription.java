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
import java.util.function.BiConsumer;
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
 *
 * <p>An asset the log does not hold yet (a page that subscribes before the asset's first event
 * reached the log, or after the log lost it) gets a stream all the same: it waits, with pings and
 * its cap, and the asset's first live event decides, once the caller is allowed to read that
 * event's project, that the stream follows it. Since the read found nothing, every event of the
 * asset arrives live. An asset of a project the caller may not read looks exactly the same from
 * outside: a stream that stays open and never delivers.
 */
public final class Subscription {
    private enum State {
        /** Reading the history; live frames are held back. */
        REPLAYING,
        /** Head written, asset unknown: its first live frame is held while the caller's access is checked. */
        AWAITING,
        /** Following the live frames. */
        LIVE,
        /** Head written, asset of a project the caller may not read: pings until the cap, nothing else. */
        HIDDEN,
        CLOSED
    }

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
    private boolean checkingOwner;
    /**
     * The feed without a cursor or tail starts live: its one read only finds where the feed ends
     * now. Set by the constructor and {@link #tail(int)}, before {@link #open()}.
     */
    private boolean startsLive;
    /** How many of the feed's newest events to replay first; 0 when it has a cursor or starts live. */
    private int tail;
    /** The cursor just before the feed's tail, once the log said where it is; null without a tail. */
    private EventId tailStart;
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
     *     ask a membership store); checked against the stream's owner before any event is
     *     written, so an asset of another project looks like one the log does not hold
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
        this.startsLive = !stream.isAsset() && cursor == null;
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

    /**
     * Opens the activity feed, when the client gave no cursor, on its newest {@code count} retained
     * events instead of live; 0 (the default) keeps it live. A client with a cursor resumes where it
     * was, and an asset's stream replays from its first event anyway: for both, it is ignored.
     * Call before {@link #open()}.
     */
    public Subscription tail(int count) {
        if (!stream.isAsset() && cursor == null && count > 0) {
            tail = count;
            startsLive = false;
        }
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
        if (tail > 0) {
            // Joined first (the seam), then the tail's start is read and replayed from like a
            // cursor the client gave: an event appended meanwhile is in the replay or arrives live.
            log.cursorBeforeNewest(stream.id(), tail).whenComplete((from, error) ->
                    channel.eventLoop().execute(() -> onTailStart(from, error)));
            return;
        }
        // The feed without a cursor replays nothing, but reads where it ends now, to hand the
        // client that cursor at once: a reconnect before its first event then misses nothing.
        readPage(cursor, startsLive ? 0 : StreamSettings.REPLAY_PAGE_SIZE);
    }

    /** The feed's tail starts after {@code from}: replayed from there like a cursor the client gave. */
    private void onTailStart(EventId from, Throwable error) {
        if (state == State.CLOSED) {
            return;
        }
        if (error != null) {
            onPage(null, error);
            return;
        }
        tailStart = from;
        lastMs = from.ms();
        lastSeq = from.seq();
        readPage(from, StreamSettings.REPLAY_PAGE_SIZE);
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

    /** The HTTP status answered: 200 once the head is written, else 204 or 503; 0 before. */
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

    private void readPage(EventId after, int limit) {
        log.read(stream, after, limit).whenComplete((page, error) ->
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
            openWith(page, now);
            return;
        }
        writePage(page, now);
    }

    /** Decides the answer from the first page: 204, a stream that waits, or the replay. */
    private void openWith(ReplayPage page, long now) {
        if (!page.found()) {
            openEmpty(State.AWAITING, page, now);
            return;
        }
        if (!authorized) {
            askMayRead(page.ownerProjectId(), (allowed, error) -> onAuthorized(page, allowed, error));
            return;
        }
        ownerProjectId = page.ownerProjectId();
        EventId terminal = page.terminalId();
        if (cursor != null && terminal != null && cursor.compareTo(terminal) >= 0) {
            reject(204);
            responder.writeNoContent(channel);
            return;
        }
        EventId end = page.end();
        EventId ahead = cursor != null && cursor.compareTo(end) > 0 ? cursor : null;
        // A tail's start is handed to the client at once, like the live feed's end: cut before its
        // first event, it resumes from there instead of asking for a tail again.
        EventId startId = tailStart;
        if (ahead != null || startsLive) {
            // A cursor past the end would drop every event below it, for good: resume from the end.
            startId = end;
            lastMs = end.ms();
            lastSeq = end.seq();
        }
        // A feed that starts live replays nothing, so nothing it replays can be missing.
        String truncation = startsLive ? null : truncationNotice(page, tailStart != null ? tailStart : cursor);
        writeHead(new StreamHead(truncation, ahead, startId), now);
        if (!startsLive) {
            counters.replays++;
        }
        writePage(page, now);
    }

    /**
     * Answers 200 for an asset the log does not hold, or one the caller may not read; the two
     * must not be told apart, so neither says more than an empty stream would (a cursor from
     * before the log lost its history is told so: that is the log's, not the asset's).
     *
     * @param empty the page of a stream the log does not hold
     */
    private void openEmpty(State next, ReplayPage empty, long now) {
        EventId ahead = cursor != null && cursor.compareTo(EventId.ZERO) > 0 ? cursor : null;
        if (ahead != null) {
            lastMs = 0;
            lastSeq = 0;
        }
        writeHead(new StreamHead(truncationNotice(empty, cursor), ahead, ahead == null ? null : EventId.ZERO), now);
        channel.flush();
        state = next;
        if (next == State.HIDDEN) {
            releaseHeldBack();
        } else if (heldBack != null && !heldBack.isEmpty()) {
            // The asset's first events came while the log was read: they decide now.
            checkOwner(heldBack.peek().projectId);
        }
    }

    private void writePage(ReplayPage page, long now) {
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
        if (!page.more() || startsLive) {
            goLive();
        } else if (channel.isWritable()) {
            readPage(new EventId(lastMs, lastSeq), StreamSettings.REPLAY_PAGE_SIZE);
        } else {
            // Replay at the client's pace: the next page is read when the socket drains.
            awaitingWritability = true;
        }
    }

    /** The caller may or may not see the stream's project; someone else's asset looks unknown. */
    private void onAuthorized(ReplayPage page, Boolean allowed, Throwable error) {
        if (state == State.CLOSED) {
            return;
        }
        if (error != null || allowed == null) {
            reject(503);
            responder.writeUnavailable(channel, "access check unavailable");
        } else if (!allowed) {
            openEmpty(State.HIDDEN, page.asNotFound(), System.nanoTime());
        } else {
            authorized = true;
            onPage(page, null);
        }
    }

    /**
     * An unknown asset's first live event names its project: the stream follows the asset if the
     * caller may read that project, and hides it otherwise. Frames wait meanwhile.
     */
    private void checkOwner(String projectId) {
        checkingOwner = true;
        askMayRead(projectId, (allowed, error) -> {
            if (state != State.AWAITING) {
                return;
            }
            checkingOwner = false;
            if (error != null || allowed == null) {
                // Undecided: end cleanly; the reconnect reads the log, which now holds the asset.
                end(CloseReason.ERROR);
            } else if (allowed) {
                ownerProjectId = projectId;
                goLive();
            } else {
                state = State.HIDDEN;
                releaseHeldBack();
            }
        });
    }

    /**
     * Asks whether the caller may read a project and answers on this loop: at once when the
     * answer is known (the public route's key names its project), else when it arrives.
     */
    private void askMayRead(String projectId, BiConsumer<Boolean, Throwable> then) {
        CompletableFuture<Boolean> answer = mayReadProject.apply(projectId);
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            then.accept(answer.join(), null);
        } else {
            answer.whenComplete((allowed, error) -> channel.eventLoop().execute(() -> then.accept(allowed, error)));
        }
    }

    /** The comment for a replay that misses events the client has not seen, or null. */
    private static String truncationNotice(ReplayPage page, EventId cursor) {
        EventId missed = page.missedThrough(cursor);
        return missed == null ? null : "replay truncated: events up to " + missed + " are no longer retained";
    }

    private void writeHead(StreamHead head, long now) {
        if (head.cursorAhead() != null) {
            counters.cursorsAhead++;
        }
        responder.writeStreamHead(channel, chunked, head);
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
        String hint = stream.projectHint();
        if (hint != null && !hint.equals(frame.projectId)) {
            // The caller may read one project only: another's asset of the same id is not this one.
            return false;
        }
        if (state == State.AWAITING) {
            holdBack(frame);
            if (!checkingOwner && state == State.AWAITING) {
                checkOwner(frame.projectId);
            }
        } else if (state == State.REPLAYING) {
            holdBack(frame);
        }
        return false;
    }

    private void holdBack(SseFrame frame) {
        if (heldBack == null) {
            heldBack = new ArrayDeque<>();
        }
        if (heldBack.size() >= StreamSettings.MAX_HELD_LIVE_FRAMES) {
            close(CloseReason.SLOW_CONSUMER);
            return;
        }
        frame.retain();
        heldBack.add(frame);
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
            readPage(new EventId(lastMs, lastSeq), StreamSettings.REPLAY_PAGE_SIZE);
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
        releaseHeldBack();
    }

    private void releaseHeldBack() {
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
