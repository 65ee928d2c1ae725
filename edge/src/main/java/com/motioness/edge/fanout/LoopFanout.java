package com.motioness.edge.fanout;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Ticker;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.SpscArrayQueue;

/**
 * The subscriptions of one event loop and the inbox through which the dispatcher hands it frames.
 * Everything but {@link #offer}, {@link #scheduleDelivery} and {@link #hasSubscribers} is confined
 * to the loop, so routing and delivery take no lock.
 *
 * <p>The dispatcher offers each frame to the single-producer single-consumer inbox and, at the end
 * of its batch, schedules one delivery task: one cross-thread hand-off per loop per batch, however
 * many channels the batch reaches. The delivery writes to every subscriber without flushing, then
 * flushes each written channel once.
 *
 * <p>Time is the loop's own {@link Ticker} ({@link EventLoop#ticker()}): the ticker task, the
 * streams' cap, heartbeat and slow-consumer clocks all read it, so they agree with the loop's
 * scheduled tasks, and a test on an {@code EmbeddedChannel} moves them all by advancing its time.
 */
public final class LoopFanout {
    private static final int INBOX_CAPACITY = 16_384;
    /** Frames one delivery task handles before yielding the loop to its sockets. */
    private static final int DELIVERY_BUDGET = 4_096;
    /**
     * Writes made before a flush even within a batch. Each unflushed write holds a buffer
     * duplicate and an outbound entry, which Netty recycles only up to 4096 per thread; flushing
     * in groups keeps a hot asset with tens of thousands of subscribers, or a backlog of frames
     * for a hundred, inside that pool (so a delivery still allocates nothing) and sends the first
     * bytes sooner. Counted in writes, not channels: 256 frames to 100 channels are 25,600
     * unflushed writes on 100 channels (bench: 112 B per delivery when counted in channels).
     */
    private static final int FLUSH_GROUP = 1_024;
    /** The most frames of one asset delivered to each subscriber together. */
    private static final int MAX_RUN = 64;

    private final EventLoop loop;
    private final StreamSettings settings;
    private final SpscArrayQueue<SharedFrame> inbox = new SpscArrayQueue<>(INBOX_CAPACITY);
    private final Ticker clock;
    private final AtomicBoolean deliveryScheduled = new AtomicBoolean();
    private final Runnable deliveryTask = this::deliverInbox;
    private final LoopCounters counters = new LoopCounters();
    private volatile int subscriberCount;

    private final Map<String, SubscriberGroup> byAsset = new HashMap<>();
    private final Map<String, SubscriberGroup> byProject = new HashMap<>();
    private Subscription[] all = new Subscription[64];
    private int allSize;
    private final StreamDelivery[] dirty = new StreamDelivery[FLUSH_GROUP];
    private int dirtySize;
    private int unflushedWrites;

    // The run being delivered: frames of one asset in a row, and the groups (the asset's, its
    // project's) that are owed them. A turn may end in the middle of it; the next turn resumes it
    // before it takes another frame from the inbox, so every subscriber gets its frames in order.
    private final SharedFrame[] run = new SharedFrame[MAX_RUN];
    private int runLength;
    private final SubscriberGroup[] runGroups = new SubscriberGroup[2];
    private int runGroupCount;
    private int runGroupAt;
    /** The loop's event-frame count when the run started: whether it wrote anything. */
    private long runStartFrames;
    /** When the current turn ends, on the loop's clock. */
    private long turnEndNanos;
    /**
     * The publish times (ms of the id) of the events this turn finished, recorded after its last
     * flush: a turn takes runs until the budget is passed, so up to a run more than the budget.
     */
    private final long[] writtenMs = new long[DELIVERY_BUDGET + MAX_RUN - 1];

    private int writtenEvents;

    private SharedFrame tickPing;
    /** The next stream the tick under way checks, downwards; -1 when no tick is under way. */
    private int tickNext = -1;

    private final Runnable tickContinuation = this::continueTick;

    /** Creates the fan-out of one loop and starts its ticker (heartbeat, cap, slow consumers). */
    public LoopFanout(EventLoop loop, StreamSettings settings) {
        this.loop = loop;
        this.settings = settings;
        this.clock = loop.ticker();
        loop.scheduleAtFixedRate(this::tick, settings.tickNanos, settings.tickNanos, TimeUnit.NANOSECONDS);
    }

    /** The loop this fan-out belongs to. */
    public EventLoop loop() {
        return loop;
    }

    StreamSettings settings() {
        return settings;
    }

    /** The loop's clock, which every time of this fan-out and its streams is read from. */
    Ticker clock() {
        return clock;
    }

    /** This loop's counters; written by the loop only, read racily by a scrape. */
    public LoopCounters counters() {
        return counters;
    }

    /** Open streams on this loop; readable from any thread. */
    public int subscriberCount() {
        return subscriberCount;
    }

    // ---- dispatcher thread ----

    boolean hasSubscribers() {
        return subscriberCount != 0;
    }

    /** Hands one frame to this loop, waiting while the inbox is full (backpressure to the ring). */
    void offer(SharedFrame frame) {
        frame.retain();
        while (!inbox.offer(frame)) {
            scheduleDelivery();
            LockSupport.parkNanos(50_000);
        }
    }

    /**
     * Schedules a delivery of the inbox unless one is pending or running (the flag stays up until a
     * delivery finds the inbox empty). getAndSet on both sides (here and there) orders the inbox
     * write before the flag, so no wake-up is lost.
     */
    void scheduleDelivery() {
        if (!deliveryScheduled.getAndSet(true)) {
            loop.execute(deliveryTask);
        }
    }

    // ---- event loop ----

    private void deliverInbox() {
        long now = clock.nanoTime();
        turnEndNanos = now + settings.deliverySliceNanos;
        // A run cut at the end of the last turn is finished first: its frames come before the inbox's.
        int handled = runLength;
        boolean cut = runLength > 0 && !deliverRun(now);
        SharedFrame first;
        // At least one frame a turn, however short the slice: a turn that took nothing would be
        // scheduled again and again with the inbox full.
        while (!cut && handled < DELIVERY_BUDGET && (handled == 0 || !turnOver()) && (first = inbox.poll()) != null) {
            run[0] = first;
            int n = 1;
            // Frames of one asset in a row (a hot asset under load) go to each subscriber together:
            // one writev and one flush carry them all, where frame after frame would cost a
            // syscall per frame per subscriber.
            SharedFrame next;
            while (n < MAX_RUN
                    && (next = inbox.peek()) != null
                    && next.assetId.equals(first.assetId)
                    && next.projectId.equals(first.projectId)) {
                run[n++] = inbox.poll();
            }
            startRun(n);
            handled += n;
            cut = !deliverRun(now);
        }
        flushDirty();
        recordLatencies();
        if (!cut && inbox.isEmpty()) {
            // Done: the flag falls, read by getAndSet so that a frame offered before the dispatcher
            // found the flag still up is seen by the check after it.
            deliveryScheduled.getAndSet(false);
            if (inbox.isEmpty() || deliveryScheduled.getAndSet(true)) {
                return;
            }
        }
        // More to deliver: the flag stays up, so the dispatcher queues no task of its own, and the
        // continuation is scheduled, not executed: Netty runs a loop's queued tasks for up to a
        // second before it reads its sockets again, and delivery tasks queued one behind another
        // kept a saturated loop from them for seconds; a scheduled task is taken in only after
        // the next read of the sockets.
        loop.schedule(deliveryTask, 0, TimeUnit.NANOSECONDS);
    }

    /**
     * True once the turn has had its slice of the loop. Checked between subscribers, not only
     * between runs: one frame of a hot asset is thousands of writes (5,000 subscribers on a loop
     * took 70-120 ms here), and meanwhile the loop reads no request (docs/perf.md, issue 15).
     */
    boolean turnOver() {
        return turnEndNanos - clock.nanoTime() <= 0;
    }

    /** Delivers one frame on its own, whole, whatever the time (the inbox task delivers runs of them). */
    void route(SharedFrame frame, long now) {
        if (runLength > 0) {
            throw new IllegalStateException("a run is being delivered");
        }
        frame.retain();
        run[0] = frame;
        startRun(1);
        turnEndNanos = Long.MAX_VALUE;
        deliverRun(now);
        recordLatencies();
    }

    /** {@code run[0..n)} is owed to the groups of its asset and its project on this loop. */
    private void startRun(int n) {
        runLength = n;
        runStartFrames = counters.eventFrames;
        SubscriberGroup group = byAsset.get(run[0].assetId);
        if (group != null) {
            group.owe();
            runGroups[runGroupCount++] = group;
        }
        group = byProject.get(run[0].projectId);
        if (group != null) {
            group.owe();
            runGroups[runGroupCount++] = group;
        }
    }

    /**
     * Delivers the run to the members still owed it until the turn is over.
     *
     * @return true when the run is delivered and released
     */
    private boolean deliverRun(long now) {
        while (runGroupAt < runGroupCount) {
            if (!runGroups[runGroupAt].deliver(run, runLength, now, this)) {
                return false;
            }
            runGroups[runGroupAt++] = null;
        }
        boolean wrote = counters.eventFrames != runStartFrames;
        for (int i = 0; i < runLength; i++) {
            if (wrote) {
                writtenMs[writtenEvents++] = run[i].ms;
            }
            run[i].release();
            run[i] = null;
        }
        runLength = 0;
        runGroupCount = 0;
        runGroupAt = 0;
        return true;
    }

    /**
     * Once per event per loop, not per subscriber, after the flush that wrote its last subscriber's
     * bytes to the socket: how long after it was published (the ms of its id, set by the log) this
     * loop was done with it.
     */
    private void recordLatencies() {
        if (writtenEvents == 0) {
            return;
        }
        long nowMillis = System.currentTimeMillis();
        for (int i = 0; i < writtenEvents; i++) {
            counters.recordLatency(nowMillis - writtenMs[i]);
        }
        writtenEvents = 0;
    }

    /**
     * Releases the frames nobody will deliver now: a loop that shuts down cancels its scheduled
     * tasks, the continuations of a delivery and a tick among them (a turn that ended on its slice
     * left frames in the inbox, a run cut, a tick's heartbeat frame). Call once the loop has ended
     * and the log stopped handing frames over, so nothing else touches them.
     */
    public void releaseHeld() {
        for (int i = 0; i < runLength; i++) {
            run[i].release();
            run[i] = null;
        }
        runLength = 0;
        SharedFrame frame;
        while ((frame = inbox.poll()) != null) {
            frame.release();
        }
        if (tickPing != null) {
            tickPing.release();
            tickPing = null;
        }
    }

    /** Notes one write to {@code stream}'s channel, to be flushed with the others. */
    void markDirty(StreamDelivery stream) {
        if (!stream.dirty) {
            stream.dirty = true;
            dirty[dirtySize++] = stream;
        }
        if (++unflushedWrites == FLUSH_GROUP) {
            flushDirty();
        }
    }

    void flushDirty() {
        for (int i = 0; i < dirtySize; i++) {
            StreamDelivery stream = dirty[i];
            dirty[i] = null;
            stream.dirty = false;
            stream.channel().flush();
        }
        dirtySize = 0;
        unflushedWrites = 0;
    }

    /** The stream joins this loop's index: from now on every live frame of its stream reaches it. */
    void join(Subscription subscription) {
        Map<String, SubscriberGroup> index = subscription.stream().isAsset() ? byAsset : byProject;
        SubscriberGroup group = index.computeIfAbsent(subscription.stream().id(), id -> new SubscriberGroup());
        subscription.shareStream(group.shared(subscription.stream()));
        group.add(subscription.delivery());
        if (allSize == all.length) {
            all = Arrays.copyOf(all, allSize * 2);
        }
        subscription.loopIndex = allSize;
        all[allSize++] = subscription;
        // Volatile write after joining: the dispatcher reads it before deciding to skip this loop,
        // and the subscription reads the log only after this point (see EventLog's seam rule).
        subscriberCount = allSize;
    }

    /** The stream leaves this loop's index (it ended); a stream not in it is ignored. */
    void leave(Subscription subscription) {
        if (subscription.loopIndex < 0) {
            return;
        }
        Map<String, SubscriberGroup> index = subscription.stream().isAsset() ? byAsset : byProject;
        SubscriberGroup group = index.get(subscription.stream().id());
        group.remove(subscription.delivery());
        if (group.isEmpty()) {
            index.remove(subscription.stream().id());
        }
        int at = subscription.loopIndex;
        Subscription last = all[--allSize];
        all[at] = last;
        last.loopIndex = at;
        all[allSize] = null;
        subscription.loopIndex = -1;
        subscriberCount = allSize;
    }

    /** The heartbeat frame of the current tick, encoded once and shared by every idle stream. */
    SharedFrame pingFrame() {
        if (tickPing == null) {
            tickPing = SharedFrame.ping(settings.alloc);
        }
        return tickPing;
    }

    /**
     * Every stream's clocks, once a tick: the cap, the slow-consumer cut, the session recheck and
     * the heartbeat. Cut into slices like a delivery: with thousands of idle streams on the loop the
     * heartbeat alone is thousands of writes at once. A tick still under way when the next is due
     * lets it pass: the streams it has not reached yet are checked with the current time anyway.
     */
    private void tick() {
        if (tickNext < 0) {
            tickNext = allSize - 1;
            continueTick();
        }
    }

    private void continueTick() {
        long now = clock.nanoTime();
        long sliceEnd = now + settings.deliverySliceNanos;
        // Downwards, so a stream that ends here (swapped out by the last, already visited) skips no one;
        // between slices streams may join (checked next tick) or leave (the bound below).
        for (int i = Math.min(tickNext, allSize - 1); i >= 0; i--) {
            Subscription subscription = all[i];
            if (subscription.onTick(now, this)) {
                markDirty(subscription.delivery());
            }
            if (i % 16 == 0 && i > 0 && sliceEnd - clock.nanoTime() <= 0) {
                tickNext = i - 1;
                flushDirty();
                loop.schedule(tickContinuation, 0, TimeUnit.NANOSECONDS);
                return;
            }
        }
        tickNext = -1;
        flushDirty();
        if (tickPing != null) {
            tickPing.release();
            tickPing = null;
        }
    }

    /**
     * Ends this loop's streams spread evenly over {@code windowNanos} (the i-th of k at
     * (i + ½)·window/k), each cleanly, so their clients do not all reconnect elsewhere in the
     * same instant. Callable from any thread; the caller must have stopped new streams first.
     *
     * @param offsetFraction where in its slot this loop closes (0 to 1), so loops interleave
     * @return completes when the loop has no stream left
     */
    public CompletableFuture<Void> drainStreams(long windowNanos, double offsetFraction) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            int count = allSize;
            if (count == 0 || windowNanos <= 0) {
                endAll(EndReason.DRAIN);
                done.complete(null);
                return;
            }
            long step = Math.max(1, windowNanos / count);
            long first = (long) (step * offsetFraction);
            Runnable endOne = () -> {
                if (allSize > 0) {
                    all[allSize - 1].end(EndReason.DRAIN);
                }
                if (allSize == 0) {
                    done.complete(null);
                }
            };
            io.netty.util.concurrent.ScheduledFuture<?> ticks =
                    loop.scheduleAtFixedRate(endOne, first, step, TimeUnit.NANOSECONDS);
            done.whenComplete((ok, error) -> ticks.cancel(false));
        });
        return done;
    }

    /** Ends every stream of this loop (runs on the loop); clients resume from their cursors. */
    public void endAll(EndReason reason) {
        for (int i = allSize - 1; i >= 0; i--) {
            all[i].end(reason);
        }
    }
}
