package com.motioness.edge.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.log.ReplayPage;
import com.motioness.edge.log.StreamRef;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.StoredBatch;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.ref.WeakReference;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One subscription on an {@link EmbeddedChannel} whose time stands still until the test advances
 * it: the loop's ticker, the stream's cap, heartbeat, slow-consumer and recheck clocks all read
 * the channel's loop clock, so nothing here sleeps. The log answers reads when the test says.
 */
class SubscriptionTest {
    private static final long MS = 1_764_300_000_000L;
    private static final String PROJECT = "p1";
    private static final String ASSET = "a1";
    private static final Pattern ID = Pattern.compile("\nid: (\\S+)\n");
    private static final String PING = ": ping\n\n";
    private static final String LAST_CHUNK = "0\r\n\r\n";

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final StreamSettings settings = new StreamSettings(
            alloc,
            Duration.ofSeconds(15),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            64 * 1024,
            Duration.ofMillis(2));
    private final FakeLog log = new FakeLog();
    private final List<SharedFrame> frames = new ArrayList<>();
    private EmbeddedChannel channel;
    private LoopFanout fanout;
    /** Everything the channel wrote so far, read off its outbound queue. */
    private final StringBuilder written = new StringBuilder();
    /** What the pipeline was told failed: a write dropped with its channel fails its (void) promise. */
    private final List<Throwable> failures = new ArrayList<>();

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                failures.add(cause);
            }
        });
        channel.freezeTime();
        fanout = new LoopFanout(channel.eventLoop(), settings);
    }

    @AfterEach
    void tearDown() {
        if (!failures.isEmpty() && !(failures.get(0) instanceof ClosedChannelException)) {
            throw new AssertionError(failures.get(0));
        }
        for (SharedFrame frame : frames) {
            frame.release();
        }
        alloc.assertAllReleased();
    }

    @Test
    void eventsThatArriveLiveDuringTheReplayAreWrittenOnceInOrder() {
        Subscription subscription = subscribe(StreamRef.asset(ASSET), null);
        subscription.open();
        // Joined before the read: events 3 and 4 are published while the first page is read,
        // and the log's next page holds them too.
        live(3);
        live(4);
        answer(page(true, 1, 2));
        assertEquals(List.of("1", "2"), ids());
        live(5);
        answer(page(false, 3, 4));
        live(6);

        assertEquals(List.of("1", "2", "3", "4", "5", "6"), ids());
        assertEquals(6, subscription.eventsSent());
        fanout.endAll(EndReason.SHUTDOWN);
        assertTrue(read().endsWith(LAST_CHUNK));
        assertEquals(EndReason.SHUTDOWN, subscription.endReason());
        assertEquals(0, fanout.subscriberCount());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aStreamUnwritableLongerThanTheSlowConsumerTimeoutIsCutAndItsFramesReleased() {
        Subscription subscription = openLive();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        live(1);
        advanceSeconds(4.5);
        // Still held, not cut: a write not yet flushed waits in the channel's buffer.
        SharedFrame pending = frame(2);
        fanout.route(pending, fanout.clock().nanoTime());
        assertNull(subscription.endReason());
        assertTrue(channel.unsafe().outboundBuffer().totalPendingWriteBytes() > 0);

        advanceSeconds(1);

        assertEquals(EndReason.SLOW_CONSUMER, subscription.endReason());
        assertFalse(channel.isOpen());
        assertEquals(0, fanout.subscriberCount());
        // Cut, not ended: no last chunk, and the frame that waited was dropped with the channel.
        assertEquals(List.of("1"), ids());
        assertFalse(written.toString().endsWith(LAST_CHUNK));
        assertEquals(1, failures.size());
        assertTrue(failures.get(0) instanceof ClosedChannelException);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anIdleStreamGetsAPingEveryIntervalAndABusyOneNone() {
        openLive();
        advanceSeconds(10);
        live(1);
        advanceSeconds(14);
        assertEquals(0, count(read(), PING), "written to 14 s ago");
        advanceSeconds(1);
        assertEquals(1, count(read(), PING), "idle for 15 s");
        advanceSeconds(14);
        assertEquals(0, count(read(), PING));
        advanceSeconds(1);
        assertEquals(1, count(read(), PING));

        fanout.endAll(EndReason.SHUTDOWN);
        read();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void theCapEndsTheStream() {
        Subscription subscription = openLive();
        // The cap is 5 minutes less up to 10% (at most 30 s) of jitter.
        advanceSeconds(269);
        assertNull(subscription.endReason());
        advanceSeconds(31);

        assertEquals(EndReason.CAP, subscription.endReason());
        assertTrue(read().endsWith(LAST_CHUNK));
        assertFalse(channel.isOpen());
        assertEquals(0, fanout.subscriberCount());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aRecheckThatSaysNoEndsTheStreamAndOneThatFailsKeepsIt() {
        ArrayDeque<CompletableFuture<Boolean>> checks = new ArrayDeque<>();
        Subscription subscription = subscribe(StreamRef.asset(ASSET), null).recheckEvery(Duration.ofSeconds(30), () -> {
            CompletableFuture<Boolean> check = new CompletableFuture<>();
            checks.add(check);
            return check;
        });
        subscription.open();
        answer(page(false));
        advanceSeconds(29);
        assertTrue(checks.isEmpty());
        advanceSeconds(1);
        checks.remove().complete(true);
        channel.runPendingTasks();
        advanceSeconds(30);
        checks.remove().completeExceptionally(new IllegalStateException("store away"));
        channel.runPendingTasks();
        assertNull(subscription.endReason());
        advanceSeconds(30);
        checks.remove().complete(false);
        channel.runPendingTasks();

        assertEquals(EndReason.AUTH, subscription.endReason());
        assertTrue(read().endsWith(LAST_CHUNK));
        assertFalse(channel.isOpen());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aStreamKeepsNoResponderOnceItsHeadIsWritten() throws InterruptedException {
        // An idle stream holds what it references for its whole life; the responder answers only
        // before the head.
        WeakReference<StreamResponder> responder = openLiveWithResponder();
        for (int i = 0; i < 20 && responder.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(responder.get());
        live(1);
        assertEquals(List.of("1"), ids());
    }

    /** {@link #openLive()}, the responder known only weakly once it returns. */
    private WeakReference<StreamResponder> openLiveWithResponder() {
        StreamResponder responder = new HeadResponder();
        Subscription subscription = new Subscription(
                channel,
                fanout,
                log,
                StreamRef.asset(ASSET),
                null,
                project -> CompletableFuture.completedFuture(PROJECT.equals(project)),
                responder,
                true);
        subscription.open();
        answer(page(false));
        assertTrue(read().startsWith("HEAD\n"));
        return new WeakReference<>(responder);
    }

    private Subscription subscribe(StreamRef stream, EventId cursor) {
        return new Subscription(
                channel,
                fanout,
                log,
                stream,
                cursor,
                project -> CompletableFuture.completedFuture(PROJECT.equals(project)),
                new HeadResponder(),
                true);
    }

    /** An asset stream whose log holds the asset and nothing to replay: live at once. */
    private Subscription openLive() {
        Subscription subscription = subscribe(StreamRef.asset(ASSET), null);
        subscription.open();
        answer(page(false));
        assertTrue(read().startsWith("HEAD\n"));
        return subscription;
    }

    /** The log answers the oldest read waiting; the loop runs what that started. */
    private void answer(ReplayPage page) {
        log.answer(page);
        channel.runPendingTasks();
    }

    /** Moves the loop's clock, running the ticker on the way, one second (or less) at a time. */
    private void advanceSeconds(double seconds) {
        long left = (long) (seconds * 1e9);
        while (left > 0) {
            long step = Math.min(left, TimeUnit.SECONDS.toNanos(1));
            channel.advanceTimeBy(step, TimeUnit.NANOSECONDS);
            channel.runScheduledPendingTasks();
            left -= step;
        }
    }

    /** Publishes event {@code n} live: through the loop's inbox, as the dispatcher hands it over. */
    private void live(int n) {
        fanout.offer(frame(n));
        fanout.scheduleDelivery();
        channel.runPendingTasks();
    }

    private SharedFrame frame(int n) {
        SharedFrame frame = SharedFrame.event(alloc, MS + n, 0, EventType.STAGE_COMPLETED, PROJECT, ASSET, json(n));
        frames.add(frame);
        return frame;
    }

    private static ReplayPage page(boolean more, int... events) {
        List<LoggedEvent> logged = new ArrayList<>();
        for (int n : events) {
            logged.add(new LoggedEvent(MS + n, 0, EventType.STAGE_COMPLETED, PROJECT, ASSET, json(n)));
        }
        EventId newest = events.length == 0 ? null : new EventId(MS + events[events.length - 1], 0);
        return new ReplayPage(logged, more, PROJECT, null, null, newest, EventId.ZERO);
    }

    private static byte[] json(int n) {
        return ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** What the channel wrote since the last call; kept in {@link #written} too. */
    private String read() {
        StringBuilder out = new StringBuilder();
        Object message;
        while ((message = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) message;
            out.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        written.append(out);
        return out.toString();
    }

    /** The ids of every event frame written so far, in order. */
    private List<String> ids() {
        read();
        List<String> ids = new ArrayList<>();
        Matcher matcher = ID.matcher(written);
        while (matcher.find()) {
            ids.add(Long.toString(Long.parseLong(matcher.group(1)) - MS));
        }
        return ids;
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    /** A log whose reads wait until the test answers them, in order. */
    private static final class FakeLog implements EventLog {
        private final ArrayDeque<CompletableFuture<ReplayPage>> reads = new ArrayDeque<>();

        @Override
        public CompletableFuture<ReplayPage> read(StreamRef stream, EventId after, int limit) {
            CompletableFuture<ReplayPage> read = new CompletableFuture<>();
            reads.add(read);
            return read;
        }

        /** Answers the oldest read waiting. */
        void answer(ReplayPage page) {
            reads.remove().complete(page);
        }

        @Override
        public CompletableFuture<StoredBatch> append(List<AssetEvent> events, IdempotencyKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<EventId> cursorBeforeNewest(String projectId, int count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }

    /** Heap buffers that the test can check are all released at the end. */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        private final List<ByteBuf> made = new ArrayList<>();

        TrackingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
            made.add(buf);
            return buf;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        void assertAllReleased() {
            for (ByteBuf buf : made) {
                assertEquals(0, buf.refCnt(), "a frame was not released");
            }
        }
    }
}
