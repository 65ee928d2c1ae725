package com.motioness.edge.fanout;

import com.lmax.disruptor.EventHandler;
import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.log.StreamRef;
import com.motioness.edge.log.embedded.EmbeddedEventLog;
import com.motioness.edge.ring.EventRing;
import com.motioness.edge.ring.RingSlot;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The live path end to end, on the real threads: the benchmark thread publishes each event into
 * the real {@link EventRing} as the firehose reader does once it has scanned the entry's routing
 * fields ({@code ring.publish(new LoggedEvent(...))}); the ring's consumer thread runs the real
 * {@link FanoutDispatcher} (encode the shared frame once from the slot's routing fields and JSON,
 * hand it to every loop with subscribers, one wake-up per loop per batch); each
 * {@link LoopFanout} delivers its inbox on a real Netty NIO event loop and writes to its subscribers.
 * Subscribers are {@link Subscription}s of one asset on {@link EmbeddedChannel}s whose "socket"
 * takes and releases every flushed buffer at once; the channels run their pipeline on the caller's
 * thread, so every write happens on the event loop, as in production.
 *
 * <p>One operation is one event published; the score is events per second and the
 * {@code deliveries} counter is deliveries per second. The publisher keeps at most a window of
 * events in flight (undelivered), so the pipeline stays full without queueing seconds of work that
 * would spill out of the iteration.
 *
 * <p>Allocation: JMH 1.37's GC profiler takes {@code getTotalThreadAllocatedBytes}, the bytes
 * allocated by every thread of the VM, when the JVM has it (JDK 14+), so
 * {@code gc.alloc.rate.norm} includes the ring and event loop threads (it also includes JMH's own
 * threads, which are idle during an iteration). To attribute the bytes, each iteration also
 * reads {@code ThreadMXBean.getThreadAllocatedBytes} of the publisher, the ring thread and the
 * loop threads and prints them per event and, for the loops, per delivery.
 */
@State(Scope.Thread)
@Threads(1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class RingToLoopBenchmark {
    /** Most deliveries in flight: enough to keep every stage busy, few enough to deliver at once. */
    private static final long MAX_DELIVERIES_IN_FLIGHT = 100_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Param({"1", "100", "10000"})
    int subscribers;

    /**
     * Most events the publisher lets be undelivered: 1 is a quiet feed (each inbox task finds
     * one frame), 256 a saturated one (a burst: inbox tasks find many frames, channels hold many
     * unflushed writes). Capped at {@value #MAX_DELIVERIES_IN_FLIGHT} deliveries, so what is in flight when
     * an iteration ends is a few milliseconds of work.
     */
    @Param({"1", "256"})
    int inFlight;

    /** Event loops serving the subscribers, which are spread evenly across them. */
    @Param({"1"})
    int loops;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private MultiThreadIoEventLoopGroup group;
    private final List<LoopFanout> fanouts = new ArrayList<>();
    private final List<List<EmbeddedChannel>> channelsByLoop = new ArrayList<>();
    private DeliveryCounter[] counters;
    private int[] subscribersByLoop;
    private long[] loopThreadIds;
    private EventRing ring;
    private ThreadRecordingConsumer consumer;
    private EventRing logRing;
    private EmbeddedEventLog log;
    private byte[] json;
    private long window;
    private long ms = 2_000_000_000_000L;
    private long published;
    private long knownDelivered;

    private long iterationEvents;
    private long publisherBytes;
    private long ringBytes;
    private long loopBytes;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        // The log answers the subscriptions' replay reads (the asset exists, nothing to replay);
        // its own ring is not the one measured.
        logRing = new EventRing(1024, (slot, sequence, endOfBatch) -> slot.clear());
        log = new EmbeddedEventLog(logRing, 16, Duration.ofHours(1), Clock.systemUTC());
        AssetEvent event = AssetEvent.builder(EventType.STAGE_COMPLETED)
                .assetId("asset-1")
                .projectId("project-1")
                .ts(1_764_300_000_000L)
                .attempt(1)
                .stage("render")
                .latencyMs(812)
                .requestId("req-1")
                .build();
        log.append(List.of(event)).get();
        json = EventJson.encode(event);

        group = new MultiThreadIoEventLoopGroup(loops, NioIoHandler.newFactory());
        StreamSettings settings = new StreamSettings(
                alloc, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1), 1 << 20, Duration.ofMillis(2));
        counters = new DeliveryCounter[loops];
        subscribersByLoop = new int[loops];
        loopThreadIds = new long[loops];
        int i = 0;
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            LoopFanout fanout = new LoopFanout(loop, settings);
            fanouts.add(fanout);
            counters[i] = new DeliveryCounter();
            subscribersByLoop[i] = subscribers / loops + (i < subscribers % loops ? 1 : 0);
            channelsByLoop.add(subscribeOnLoop(loop, fanout, counters[i], subscribersByLoop[i]));
            loopThreadIds[i] = loop.submit(() -> Thread.currentThread().getId()).get();
            i++;
        }
        consumer = new ThreadRecordingConsumer(new FanoutDispatcher(alloc, fanouts));
        ring = new EventRing(1024, consumer);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (consumer.threadId < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ring's consumer did not start");
            }
            Thread.sleep(1);
        }
        window = Math.max(1, Math.min(inFlight, MAX_DELIVERIES_IN_FLIGHT / subscribers));
    }

    private List<EmbeddedChannel> subscribeOnLoop(EventLoop loop, LoopFanout fanout, DeliveryCounter counter, int count)
            throws Exception {
        // Subscriptions are confined to their fan-out's loop: open them there.
        return loop.submit(() -> {
                    List<EmbeddedChannel> channels = new ArrayList<>(count);
                    for (int n = 0; n < count; n++) {
                        CountingChannel channel = new CountingChannel(counter);
                        new Subscription(
                                        channel,
                                        fanout,
                                        log,
                                        StreamRef.asset("asset-1"),
                                        null,
                                        owner -> CompletableFuture.completedFuture("project-1".equals(owner)),
                                        new NoopResponder(),
                                        true)
                                .open();
                        channel.runPendingTasks();
                        channels.add(channel);
                    }
                    if (fanout.subscriberCount() != count) {
                        throw new IllegalStateException("subscribers did not go live");
                    }
                    return channels;
                })
                .get();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        iterationEvents = published;
        publisherBytes = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
        ringBytes = THREADS.getThreadAllocatedBytes(consumer.threadId);
        loopBytes = loopAllocatedBytes();
    }

    /** One event into the ring, as the firehose reader publishes an entry it read. */
    @Benchmark
    public void publish(Deliveries deliveries) {
        if (published - knownDelivered >= window) {
            awaitRoom();
        }
        ring.publish(new LoggedEvent(++ms, 0, EventType.STAGE_COMPLETED, "project-1", "asset-1", json));
        published++;
        deliveries.deliveries += subscribers;
    }

    private void awaitRoom() {
        // Spin briefly first: with one event in flight the wait is one delivery, shorter than a park.
        for (int spins = 0; (knownDelivered = deliveredEvents()) + window <= published; spins++) {
            if (spins < 2_000) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    /** Events every subscriber has received: the slowest loop's deliveries per subscriber. */
    private long deliveredEvents() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < counters.length; i++) {
            if (subscribersByLoop[i] > 0) {
                min = Math.min(min, counters[i].get() / subscribersByLoop[i]);
            }
        }
        return min;
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        // Let what is in flight arrive, so its allocation belongs to this iteration.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((knownDelivered = deliveredEvents()) < published) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("delivered " + knownDelivered + " of " + published + " events");
            }
            LockSupport.parkNanos(100_000);
        }
        long events = published - iterationEvents;
        long loopDelta = loopAllocatedBytes() - loopBytes;
        System.out.printf(
                "%n  allocated per event over %,d events: publisher %.1f B, ring thread %.1f B,"
                        + " event loops %.1f B (%.3f B per delivery)%n",
                events,
                (double) (THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - publisherBytes) / events,
                (double) (THREADS.getThreadAllocatedBytes(consumer.threadId) - ringBytes) / events,
                (double) loopDelta / events,
                (double) loopDelta / events / subscribers);
    }

    private long loopAllocatedBytes() {
        long sum = 0;
        for (long id : loopThreadIds) {
            sum += THREADS.getThreadAllocatedBytes(id);
        }
        return sum;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ring.close();
        for (int i = 0; i < fanouts.size(); i++) {
            List<EmbeddedChannel> channels = channelsByLoop.get(i);
            fanouts.get(i)
                    .loop()
                    .submit(() -> {
                        for (EmbeddedChannel channel : channels) {
                            channel.finishAndReleaseAll();
                        }
                    })
                    .get();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        log.close();
        logRing.close();
    }

    /** Deliveries per second: events per second times subscribers, every one of them checked. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries {
        /** Deliveries made in the iteration; JMH reports it per second. */
        public long deliveries;

        @Setup(Level.Iteration)
        public void reset() {
            deliveries = 0;
        }
    }

    /** Counts the buffers its loop's channels flushed; written by that loop only. */
    static final class DeliveryCounter {
        private final AtomicLong visible = new AtomicLong();
        private long count;

        void increment() {
            // An ordered store (a plain store on x86): no fence per delivery on the measured path.
            visible.lazySet(++count);
        }

        long get() {
            return visible.get();
        }
    }

    /** An EmbeddedChannel whose "socket" takes every flushed buffer at once, releases and counts it. */
    private static final class CountingChannel extends EmbeddedChannel {
        private final DeliveryCounter counter;

        CountingChannel(DeliveryCounter counter) {
            this.counter = counter;
        }

        @Override
        protected void handleOutboundMessage(Object msg) {
            ReferenceCountUtil.release(msg);
            counter.increment();
        }
    }

    /** The dispatcher, noting which thread the ring runs it on so that thread's bytes can be read. */
    private static final class ThreadRecordingConsumer implements EventHandler<RingSlot> {
        private final FanoutDispatcher dispatcher;
        volatile long threadId = -1;

        ThreadRecordingConsumer(FanoutDispatcher dispatcher) {
            this.dispatcher = dispatcher;
        }

        @Override
        public void onStart() {
            threadId = Thread.currentThread().getId();
        }

        @Override
        public void onEvent(RingSlot slot, long sequence, boolean endOfBatch) {
            dispatcher.onEvent(slot, sequence, endOfBatch);
        }
    }
}
