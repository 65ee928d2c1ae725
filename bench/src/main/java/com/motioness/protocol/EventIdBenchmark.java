package com.motioness.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The id codec. Parsing runs once per {@code Last-Event-ID} and once per firehose entry (Redis
 * ids always carry the sequence), so it returns an {@link EventId}: that object is its
 * whole allocation. Writing runs once per frame, on the encode path, and must allocate nothing:
 * digits go straight into the (direct, as in production) buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class EventIdBenchmark {
    // Not constants, so the JIT cannot fold the parse.
    private String msOnly = "1764300004567";
    private String msSeq = "1764300004567-1";
    private long ms = 1_764_300_004_567L;
    private long seq = 1;
    private ByteBuf out;

    @Setup(Level.Trial)
    public void setUp() {
        out = Unpooled.directBuffer(64, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        out.release();
    }

    /** A browser's {@code Last-Event-ID} in the documented {@code <ms>} form. */
    @Benchmark
    public EventId parseMs() {
        return EventId.parse(msOnly);
    }

    /** {@code <ms>-<seq>}: the form of every Redis entry id. */
    @Benchmark
    public EventId parseMsSeq() {
        return EventId.parse(msSeq);
    }

    /** The {@code id:} value of a frame whose sequence is 0. */
    @Benchmark
    public int writeAsciiMs() {
        out.clear();
        EventId.writeAscii(out, ms, 0);
        return out.writerIndex();
    }

    /** The {@code id:} value of a frame that shares its millisecond with others. */
    @Benchmark
    public int writeAsciiMsSeq() {
        out.clear();
        EventId.writeAscii(out, ms, seq);
        return out.writerIndex();
    }
}
