package com.motioness.edge.fanout;

import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.ReplayPage;
import com.motioness.edge.log.StreamRef;
import com.motioness.protocol.EventId;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One client's SSE stream: replays the retained history after its cursor, then follows live
 * events, with no gap and no duplicate at the seam. Confined to its channel's event loop: every
 * method runs there, so it needs no lock.
 *
 * <p>This class decides: the answer (200, 204, 503) from the first page, whether the caller may
 * read the stream's project, the stream's state, and when it ends. Its parts do the work:
 * {@link StreamReplay} (the history and the seam), {@link StreamDelivery} (writes and
 * backpressure), {@link StreamTimers} (cap, heartbeat, recheck) and {@link StreamStats}.
 *
 * <p>Words: a stream <em>ends</em> for a {@link EndReason}, either cleanly ({@link #end}: the body
 * is finished) or {@linkplain #cut cut} at once; then its channel is <em>closed</em>. A stream
 * answered 204 or 503 is <em>refused</em> before its head. Its loop's fan-out is
 * <em>joined</em> on open and <em>left</em> at the end.
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
        ENDED
    }

    private final Channel channel;
    private final LoopFanout fanout;
    /** Replaced by an equal one shared with the stream's other subscribers on the loop when it joins. */
    private StreamRef stream;

    private final Function<String, CompletableFuture<Boolean>> mayReadProject;
    /**
     * Answers before the head only (200, 204 or 503); dropped once the head is written, as a live
     * stream keeps nothing it no longer needs (docs/perf.md, memory per idle stream).
     */
    private StreamResponder responder;

    private final StreamStats stats;
    private final StreamDelivery delivery;
    /**
     * Dropped once the stream neither replays nor holds frames back (live, hidden or ended): most
     * streams are idle and live, and keep nothing of their replay (docs/perf.md, memory per idle
     * stream).
     */
    private StreamReplay replay;

    private final StreamTimers timers;

    private State state = State.REPLAYING;
    private boolean headWritten;
    private boolean authorized;
    private boolean checkingOwner;
    private Runnable onEnd;

    int loopIndex = -1;

    /**
     * @param cursor the client's Last-Event-ID, or null
     * @param mayReadProject whether the caller may see a project's events (asynchronous: it may
     *     ask a membership store); checked against the stream's owner before any event is
     *     written, so an asset of another project looks like one the log does not hold
     * @param chunked false for an HTTP/1.0 client: the body is then delimited by closing
     */
    public Subscription(
            Channel channel,
            LoopFanout fanout,
            EventLog log,
            StreamRef stream,
            EventId cursor,
            Function<String, CompletableFuture<Boolean>> mayReadProject,
            StreamResponder responder,
            boolean chunked) {
        this.channel = channel;
        this.fanout = fanout;
        this.stream = stream;
        this.mayReadProject = mayReadProject;
        this.responder = responder;
        StreamSettings settings = fanout.settings();
        this.stats = new StreamStats(stream.isAsset() ? StreamRoute.PUBLIC_ASSET : StreamRoute.PROJECT_ACTIVITY);
        this.delivery = new StreamDelivery(this, channel, chunked, stream.isAsset(), fanout.counters(), settings);
        this.replay = new StreamReplay(this, delivery, log, stream, cursor);
        this.timers = new StreamTimers(settings);
    }

    /**
     * Asks, every {@code interval}, whether what opened the stream still holds (a session not
     * revoked, a key not disabled); a "no" ends the stream. A failed check keeps it open: a store
     * that hiccups must not cut every stream. Call before {@link #open()}.
     */
    public Subscription recheckEvery(Duration interval, Supplier<CompletableFuture<Boolean>> check) {
        timers.recheckEvery(interval, check);
        return this;
    }

    /**
     * Opens the activity feed, when the client gave no cursor, on its newest {@code count} retained
     * events instead of live; 0 (the default) keeps it live. A client with a cursor resumes where it
     * was, and an asset's stream replays from its first event anyway: for both, it is ignored.
     * Call before {@link #open()}.
     */
    public Subscription tail(int count) {
        replay.tail(count);
        return this;
    }

    /** The endpoint that opened the stream, for metrics and the access log. Call before {@link #open()}. */
    public Subscription route(StreamRoute route) {
        stats.route(route);
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
        long now = nanoTime();
        stats.opened(now);
        timers.start(now);
        fanout.join(this);
        replay.start();
    }

    StreamRef stream() {
        return stream;
    }

    /** {@code equal}, equal to this stream's reference, replaces it: see {@link SubscriberGroup#shared}. */
    void shareStream(StreamRef equal) {
        stream = equal;
    }

    /** Now, by the loop's clock (the fan-out's: a test may drive it). */
    long nanoTime() {
        return fanout.clock().nanoTime();
    }

    Channel channel() {
        return channel;
    }

    /** What the fan-out hands this stream's frames to. */
    StreamDelivery delivery() {
        return delivery;
    }

    boolean hasEnded() {
        return state == State.ENDED;
    }

    /** Why the stream ended, or null while it runs (and for a stream refused before its head). */
    public EndReason endReason() {
        return stats.endReason();
    }

    /** The endpoint that opened the stream. */
    public StreamRoute route() {
        return stats.route();
    }

    /** The HTTP status answered: 200 once the head is written, else 204 or 503; 0 before. */
    public int status() {
        return stats.status();
    }

    /** The project whose events the stream carries, once known (null for an unknown asset). */
    public String projectId() {
        return delivery.projectId();
    }

    /** The asset of an asset stream, null for a project's activity. */
    public String assetId() {
        return stream.isAsset() ? stream.id() : null;
    }

    /** Event frames written to this stream. */
    public long eventsSent() {
        return delivery.eventsSent();
    }

    /** SSE body bytes written to this stream (events and pings, chunk framing included). */
    public long bytesSent() {
        return delivery.bytesSent();
    }

    /** From {@link #open()} to the end, or to now while the stream runs. */
    public long durationNanos() {
        return stats.durationNanos(nanoTime(), state == State.ENDED);
    }

    /** A page the replay read (or the read's failure), on the loop. */
    void onPage(ReplayPage page, Throwable error) {
        if (state == State.ENDED) {
            return;
        }
        long now = nanoTime();
        if (error != null) {
            if (headWritten) {
                cut(EndReason.ERROR);
            } else {
                refuse(503);
                responder.writeUnavailable(channel, "event log unavailable: " + error.getMessage());
            }
            return;
        }
        if (!headWritten) {
            openWith(page, now);
            return;
        }
        replay.writePage(page, now);
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
        delivery.follow(page.ownerProjectId());
        if (replay.cursorAtOrPastEnd(page)) {
            refuse(204);
            responder.writeNoContent(channel);
            return;
        }
        writeHead(replay.headFor(page), now);
        if (replay.replaysHistory()) {
            stats.replayStarted(fanout.counters());
        }
        replay.writePage(page, now);
    }

    /**
     * Answers 200 for an asset the log does not hold, or one the caller may not read (see
     * {@link StreamReplay#emptyHeadFor}), and waits in {@code next}.
     */
    private void openEmpty(State next, ReplayPage empty, long now) {
        writeHead(replay.emptyHeadFor(empty), now);
        channel.flush();
        state = next;
        if (next == State.HIDDEN) {
            dropReplay();
        } else {
            String firstProject = replay.firstHeldProject();
            if (firstProject != null) {
                // The asset's first events came while the log was read: they decide now.
                checkOwner(firstProject);
            }
        }
    }

    /** The caller may or may not see the stream's project; someone else's asset looks unknown. */
    private void onAuthorized(ReplayPage page, Boolean allowed, Throwable error) {
        if (state == State.ENDED) {
            return;
        }
        if (error != null || allowed == null) {
            refuse(503);
            responder.writeUnavailable(channel, "access check unavailable");
        } else if (!allowed) {
            openEmpty(State.HIDDEN, page.asNotFound(), nanoTime());
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
                end(EndReason.ERROR);
            } else if (allowed) {
                delivery.follow(projectId);
                goLive();
            } else {
                state = State.HIDDEN;
                dropReplay();
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

    private void writeHead(StreamHead head, long now) {
        responder.writeStreamHead(channel, delivery.chunked(), head);
        responder = null;
        headWritten = true;
        stats.headWritten(head.cursorAhead() != null, fanout.counters());
        delivery.headWritten(now);
    }

    /** The replay is done, or the unknown asset's owner is allowed: the held frames, then live. */
    void goLive() {
        state = State.LIVE;
        delivery.live(true);
        replay.writeHeldBack(nanoTime());
        dropReplay();
        if (state != State.ENDED) {
            channel.flush();
        }
    }

    /** The replay is over for good: the frames it still holds back are released, and it is dropped. */
    private void dropReplay() {
        if (replay != null) {
            replay.releaseHeldBack();
            replay = null;
        }
    }

    /**
     * Takes one live frame of a stream that is not live yet ({@link StreamDelivery#onLive} writes
     * those of a live one): held back while the replay runs or the owner is unknown, dropped when the
     * stream is hidden or has ended.
     */
    void onNotLive(SharedFrame frame) {
        String hint = stream.projectHint();
        if (hint != null && !hint.equals(frame.projectId)) {
            // The caller may read one project only: another's asset of the same id is not this one.
            return;
        }
        if (state == State.AWAITING) {
            holdBack(frame);
            if (!checkingOwner && state == State.AWAITING) {
                checkOwner(frame.projectId);
            }
        } else if (state == State.REPLAYING) {
            holdBack(frame);
        }
    }

    private void holdBack(SharedFrame frame) {
        if (!replay.holdBack(frame)) {
            cut(EndReason.SLOW_CONSUMER);
        }
    }

    /**
     * Periodic check from the loop's ticker: the cap, the slow-consumer timeout, the recheck and
     * the heartbeat.
     *
     * @return true when it wrote a ping, so the channel needs a flush
     */
    boolean onTick(long nowNanos, LoopFanout fanout) {
        if (state == State.ENDED) {
            return false;
        }
        if (timers.capReached(nowNanos)) {
            end(EndReason.CAP);
            return false;
        }
        if (delivery.stalledTooLong(nowNanos)) {
            cut(EndReason.SLOW_CONSUMER);
            return false;
        }
        timers.recheckIfDue(nowNanos, this);
        if (headWritten && timers.pingDue(nowNanos, delivery.lastWriteNanos()) && channel.isWritable()) {
            delivery.writePing(fanout.pingFrame(), nowNanos);
            return true;
        }
        return false;
    }

    /** From the channel handler: the channel turned writable again, or unwritable. */
    public void onWritabilityChanged() {
        if (state == State.ENDED || !channel.isWritable()) {
            return;
        }
        delivery.onWritable();
        if (replay != null) {
            replay.onWritable();
        }
    }

    /** From the channel handler: the connection closed (client, error or us). */
    public void onChannelInactive() {
        if (state != State.ENDED) {
            recordEnd(EndReason.CLIENT);
        }
    }

    /**
     * Ends the stream cleanly: finishes the body so the client knows to reconnect, then closes the
     * channel (see {@link StreamDelivery#finishAndClose}).
     */
    void end(EndReason reason) {
        if (state == State.ENDED) {
            return;
        }
        recordEnd(reason);
        delivery.finishAndClose(headWritten);
    }

    /** Ends the stream at once, dropping what it has not written, and closes the channel. */
    void cut(EndReason reason) {
        if (state == State.ENDED) {
            return;
        }
        recordEnd(reason);
        delivery.closeNow();
    }

    /** Ends the stream before any answer but 200; the responder then writes that answer. */
    private void refuse(int answered) {
        stats.refused(answered);
        recordEnd(null);
    }

    /** The stream ended (reason null: refused): counted, its end hook run, the fan-out left. */
    private void recordEnd(EndReason reason) {
        state = State.ENDED;
        delivery.live(false);
        stats.ended(nanoTime(), reason, headWritten, fanout.counters());
        // Give places back before leaving the fan-out: whoever sees the stream count drop may
        // count on its places being free.
        if (onEnd != null) {
            Runnable action = onEnd;
            onEnd = null;
            action.run();
        }
        fanout.leave(this);
        dropReplay();
    }
}
