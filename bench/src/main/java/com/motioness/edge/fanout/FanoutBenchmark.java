package com.motioness.edge.fanout;

import com.motioness.edge.log.StreamRef;
import com.motioness.edge.log.embedded.EmbeddedEventLog;
import com.motioness.edge.ring.EventRing;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The delivery path of one event on one event loop: route the shared frame to every live
 * subscriber of its asset, write a retained duplicate to each channel with the void promise,
 * flush each once, and let the "socket" (an EmbeddedChannel's outbound queue) release it.
 *
 * <p>One operation is one event delivered to {@code subscribers} channels. The frame itself is
 * encoded once per operation (per event, as the dispatcher does); so the bytes a delivery
 * allocates are {@code (norm(N) - norm(1)) / (N - 1)} from {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} — zero when the delivery path allocates nothing. {@link
 * #rawWritesBaseline} makes the same writes without the fan-out, so the difference between the
 * two is what the edge's own code costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// Netty recycles duplicates and outbound entries per thread only on FastThreadLocalThreads, which
// event loops are and JMH's workers are not: run the workers on such threads.
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Dio.netty.leakDetection.level=disabled",
            "-Djmh.executor=CUSTOM",
            "-Djmh.executor.class=com.motioness.bench.EventLoopThreadExecutor"
        })
public class FanoutBenchmark {
    @Param({"1", "100", "10000"})
    int subscribers;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private EventRing ring;
    private EmbeddedEventLog log;
    private EmbeddedChannel[] channels;
    private LoopFanout fanout;
    private byte[] json;
    private long ms = 2_000_000_000_000L;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ring = new EventRing(1024, (slot, sequence, endOfBatch) -> slot.clear());
        log = new EmbeddedEventLog(ring, 16, Duration.ofHours(1), Clock.systemUTC());
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
        channels = new SocketLikeChannel[subscribers];
        StreamSettings settings = new StreamSettings(
                alloc, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1), 1 << 20, Duration.ofMillis(2));
        for (int i = 0; i < subscribers; i++) {
            channels[i] = new SocketLikeChannel();
            if (fanout == null) {
                fanout = new LoopFanout(channels[0].eventLoop(), settings);
            }
            new Subscription(
                            channels[i],
                            fanout,
                            log,
                            StreamRef.asset("asset-1"),
                            null,
                            owner -> java.util.concurrent.CompletableFuture.completedFuture("project-1".equals(owner)),
                            new NoopResponder(),
                            true)
                    .open();
            channels[i].runPendingTasks();
        }
        if (fanout.subscriberCount() != subscribers) {
            throw new IllegalStateException("subscribers did not go live");
        }
    }

    @Benchmark
    public void deliverOneEvent() {
        SharedFrame frame = SharedFrame.event(alloc, ++ms, 0, EventType.STAGE_COMPLETED, "project-1", "asset-1", json);
        fanout.route(frame, System.nanoTime());
        fanout.flushDirty();
        frame.release();
    }

    /**
     * The same writes without the fan-out: a duplicate per channel, a flush per channel. What
     * Netty itself costs for them; {@link #deliverOneEvent} minus this is what the edge adds.
     */
    @Benchmark
    public void rawWritesBaseline() {
        SharedFrame frame = SharedFrame.event(alloc, ++ms, 0, EventType.STAGE_COMPLETED, "project-1", "asset-1", json);
        for (EmbeddedChannel channel : channels) {
            channel.write(frame.retainedFor(true), channel.voidPromise());
        }
        for (EmbeddedChannel channel : channels) {
            channel.flush();
        }
        frame.release();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
        log.close();
        ring.close();
    }

    /** An EmbeddedChannel whose "socket" takes every flushed buffer at once and releases it. */
    private static final class SocketLikeChannel extends EmbeddedChannel {
        @Override
        protected void handleOutboundMessage(Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
