package com.motioness.edge.fanout;

import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.log.ReplayPage;
import com.motioness.edge.log.StreamRef;
import com.motioness.protocol.EventId;
import java.util.ArrayDeque;

/**
 * One stream's replay and its seam with the live feed: reads the history after the cursor page by
 * page, at the client's pace, says what the stream's head must tell (truncation, a cursor ahead),
 * and holds back the live frames that arrive meanwhile, to write them in order once the replay is
 * done. Loop-confined.
 *
 * <p>The seam: the subscription joins its {@link LoopFanout} before it reads the log, so any event
 * appended after the read arrives live; live frames that arrive while replaying are held back,
 * and every frame is written only if its id is greater than the last one written (see
 * {@link StreamDelivery}).
 *
 * <p>One per stream, so it keeps no reference its subscription holds already (the channel, the
 * delivery, the stream): docs/perf.md, memory per idle stream.
 */
final class StreamReplay {
    private final Subscription subscription;
    private final EventLog log;
    private final EventId cursor;

    /**
     * The feed without a cursor or tail starts live: its one read only finds where the feed ends
     * now. Set by the constructor and {@link #tail(int)}, before {@link #start()}.
     */
    private boolean startsLive;
    /** How many of the feed's newest events to replay first; 0 when it has a cursor or starts live. */
    private int tail;
    /** The cursor just before the feed's tail, once the log said where it is; null without a tail. */
    private EventId tailStart;

    private boolean awaitingWritability;
    private ArrayDeque<SharedFrame> heldBack;

    StreamReplay(Subscription subscription, StreamDelivery delivery, EventLog log, StreamRef stream, EventId cursor) {
        this.subscription = subscription;
        this.log = log;
        this.cursor = cursor;
        this.startsLive = !stream.isAsset() && cursor == null;
        if (cursor != null) {
            delivery.resumeAfter(cursor);
        }
    }

    /** See {@link Subscription#tail(int)}. */
    void tail(int count) {
        if (!subscription.stream().isAsset() && cursor == null && count > 0) {
            tail = count;
            startsLive = false;
        }
    }

    /** True unless the stream starts live (the feed without a cursor or tail). */
    boolean replaysHistory() {
        return !startsLive;
    }

    /** Reads the first page; its answer goes to {@link Subscription#onPage}. Call after joining the fan-out. */
    void start() {
        if (tail > 0) {
            // Joined first (the seam), then the tail's start is read and replayed from like a
            // cursor the client gave: an event appended meanwhile is in the replay or arrives live.
            log.cursorBeforeNewest(subscription.stream().id(), tail)
                    .whenComplete((from, error) ->
                            subscription.channel().eventLoop().execute(() -> onTailStart(from, error)));
            return;
        }
        // The feed without a cursor replays nothing, but reads where it ends now, to hand the
        // client that cursor at once: a reconnect before its first event then misses nothing.
        readPage(cursor, startsLive ? 0 : StreamSettings.REPLAY_PAGE_SIZE);
    }

    /** The feed's tail starts after {@code from}: replayed from there like a cursor the client gave. */
    private void onTailStart(EventId from, Throwable error) {
        if (subscription.hasEnded()) {
            return;
        }
        if (error != null) {
            subscription.onPage(null, error);
            return;
        }
        tailStart = from;
        subscription.delivery().resumeAfter(from);
        readPage(from, StreamSettings.REPLAY_PAGE_SIZE);
    }

    private void readPage(EventId after, int limit) {
        log.read(subscription.stream(), after, limit)
                .whenComplete((page, error) ->
                        // Always a fresh task: the embedded log completes inline, and a long replay must
                        // neither recurse nor hold the loop from its other channels.
                        subscription.channel().eventLoop().execute(() -> subscription.onPage(page, error)));
    }

    /** True when the client's cursor is at or past the asset's terminal event: nothing more will come. */
    boolean cursorAtOrPastEnd(ReplayPage page) {
        EventId terminal = page.terminalId();
        return cursor != null && terminal != null && cursor.compareTo(terminal) >= 0;
    }

    /** What the 200 head says for a stream the log holds, given its first page. */
    StreamHead headFor(ReplayPage page) {
        EventId end = page.end();
        EventId ahead = cursor != null && cursor.compareTo(end) > 0 ? cursor : null;
        // A tail's start is handed to the client at once, like the live feed's end: cut before its
        // first event, it resumes from there instead of asking for a tail again.
        EventId startId = tailStart;
        if (ahead != null || startsLive) {
            // A cursor past the end would drop every event below it, for good: resume from the end.
            startId = end;
            subscription.delivery().resumeAfter(end);
        }
        // A feed that starts live replays nothing, so nothing it replays can be missing.
        String truncation = startsLive ? null : truncationNotice(page, tailStart != null ? tailStart : cursor);
        return new StreamHead(truncation, ahead, startId);
    }

    /**
     * What the 200 head says for an asset the log does not hold, or one the caller may not read;
     * the two must not be told apart, so neither says more than an empty stream would (a cursor
     * from before the log lost its history is told so: that is the log's, not the asset's).
     *
     * @param empty the page of a stream the log does not hold
     */
    StreamHead emptyHeadFor(ReplayPage empty) {
        EventId ahead = cursor != null && cursor.compareTo(EventId.ZERO) > 0 ? cursor : null;
        if (ahead != null) {
            subscription.delivery().resumeAfter(EventId.ZERO);
        }
        return new StreamHead(truncationNotice(empty, cursor), ahead, ahead == null ? null : EventId.ZERO);
    }

    /** The comment for a replay that misses events the client has not seen, or null. */
    private static String truncationNotice(ReplayPage page, EventId cursor) {
        EventId missed = page.missedThrough(cursor);
        return missed == null ? null : "replay truncated: events up to " + missed + " are no longer retained";
    }

    /** Writes a page, then reads the next one when the socket takes more, or goes live after the last. */
    void writePage(ReplayPage page, long nowNanos) {
        StreamDelivery delivery = subscription.delivery();
        for (LoggedEvent event : page.events()) {
            if (!delivery.writeReplayed(event, nowNanos)) {
                return;
            }
        }
        subscription.channel().flush();
        if (!page.more() || startsLive) {
            subscription.goLive();
        } else if (subscription.channel().isWritable()) {
            readPage(delivery.lastWritten(), StreamSettings.REPLAY_PAGE_SIZE);
        } else {
            // Replay at the client's pace: the next page is read when the socket is writable again.
            awaitingWritability = true;
        }
    }

    /** The channel is writable again: the next page, if the replay waits for it. */
    void onWritable() {
        if (awaitingWritability) {
            awaitingWritability = false;
            readPage(subscription.delivery().lastWritten(), StreamSettings.REPLAY_PAGE_SIZE);
        }
    }

    /**
     * Holds a live frame back until the replay is done (or the owner check of an unknown asset).
     *
     * @return false when too many are held: the stream must be cut as too slow
     */
    boolean holdBack(SharedFrame frame) {
        if (heldBack == null) {
            heldBack = new ArrayDeque<>();
        }
        if (heldBack.size() >= StreamSettings.MAX_HELD_LIVE_FRAMES) {
            return false;
        }
        frame.retain();
        heldBack.add(frame);
        return true;
    }

    /** The project of the first frame held back, or null when none is. */
    String firstHeldProject() {
        return heldBack == null || heldBack.isEmpty() ? null : heldBack.peek().projectId;
    }

    /**
     * The seam's end: writes the held-back frames in order through the id guard, which skips those
     * the replay wrote already, and releases them.
     */
    void writeHeldBack(long nowNanos) {
        ArrayDeque<SharedFrame> held = heldBack;
        heldBack = null;
        if (held == null) {
            return;
        }
        SharedFrame frame;
        while ((frame = held.poll()) != null) {
            // A terminal frame among them ends the stream; the rest are only released.
            if (!subscription.hasEnded()) {
                subscription.delivery().onLive(frame, nowNanos);
            }
            frame.release();
        }
    }

    /** Drops the held-back frames (the stream ended, or its asset is hidden from the caller). */
    void releaseHeldBack() {
        if (heldBack != null) {
            SharedFrame frame;
            while ((frame = heldBack.poll()) != null) {
                frame.release();
            }
            heldBack = null;
        }
    }
}
