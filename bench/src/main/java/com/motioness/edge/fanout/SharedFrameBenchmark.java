package com.motioness.edge.fanout;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one event's shared frame, exactly as {@link FanoutDispatcher} does once per event:
 * {@link SharedFrame#event} sizes the frame, takes an exactly sized buffer from the pooled allocator
 * and writes the chunk header, the SSE fields and the chunk trailer; the dispatcher's reference
 * is then released (here at once, in production after the last loop took its own).
 *
 * <p>The only allocation expected is the {@link SharedFrame} object itself: the buffer's memory
 * comes from the pool and its {@code PooledByteBuf} object from Netty's recycler. The recycler
 * keeps a pool per thread only on {@code FastThreadLocalThread}s, and the ring's consumer is a
 * plain thread (like JMH's default workers), so run this twice: as is (what the edge's ring
 * thread pays) and with {@code EventLoopThreadExecutor} (what it would pay on a Netty thread).
 * The frame is returned so that escape analysis cannot remove it, as it cannot in production,
 * where the frame escapes into the loops' inboxes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class SharedFrameBenchmark {
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private byte[] json;
    private long ms = 1_764_300_004_567L;

    @Setup(Level.Trial)
    public void setUp() throws EventValidationException {
        // A typical stage_completed event: 150 bytes of JSON.
        AssetEvent event = AssetEvent.builder(EventType.STAGE_COMPLETED)
                .assetId("demo-asset-1")
                .projectId("demo")
                .ts(1_764_300_004_567L)
                .attempt(1)
                .stage("render")
                .latencyMs(1204)
                .requestId("req-1-7")
                .build();
        json = EventJson.encode(event);
    }

    /** One event, id {@code <ms>} (sequence 0, the common case). */
    @Benchmark
    public SharedFrame encodeStageCompleted() {
        SharedFrame frame = SharedFrame.event(alloc, ++ms, 0, EventType.STAGE_COMPLETED, "demo", "demo-asset-1", json);
        frame.release();
        return frame;
    }

    /** The same with an id {@code <ms>-<seq>}: several events in one millisecond. */
    @Benchmark
    public SharedFrame encodeStageCompletedWithSeq() {
        SharedFrame frame = SharedFrame.event(alloc, ms, 3, EventType.STAGE_COMPLETED, "demo", "demo-asset-1", json);
        frame.release();
        return frame;
    }
}
