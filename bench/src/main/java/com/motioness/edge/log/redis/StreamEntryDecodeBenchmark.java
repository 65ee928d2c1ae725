package com.motioness.edge.log.redis;

import com.motioness.edge.log.LoggedEvent;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.RoutingFields;
import io.lettuce.core.StreamMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding what arrives from outside, per event:
 * <ul>
 * <li>a live firehose entry: {@link FirehoseReader} takes the JSON out of the entry's body,
 * parses its Redis id and scans the JSON for the routing fields it publishes into the ring with it
 * (the ring's consumer decodes nothing);
 * <li>the routing scan alone ({@link RoutingFields#scan(byte[])});
 * <li>the JSON decode alone ({@link EventJson#decode(byte[])}), what a replay read does per entry;
 * <li>an ingest body ({@code POST /internal/events}), decoded by {@link EventJson#decodeBatch}
 * from the pooled direct buffer the request was read into: one event, and a batch of 100 (per
 * event).
 * </ul>
 * Decoding builds an {@link AssetEvent} and its strings, so it allocates: this measures how much.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class StreamEntryDecodeBenchmark {
    private static final int BATCH = 100;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private StreamMessage<String, byte[]> entry;
    private byte[] json;
    private ByteBuf ingestOne;
    private ByteBuf ingestBatch;

    @Setup(Level.Trial)
    public void setUp() throws EventValidationException {
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
        // What Lettuce hands the reader: the entry's id, and its body with the event under "e".
        entry = new StreamMessage<>("mx:firehose:0", "1764300004567-0", Map.of("e", json));
        ingestOne = alloc.directBuffer(json.length).writeBytes(json);
        ingestBatch = alloc.directBuffer();
        ingestBatch.writeByte('[');
        for (int i = 0; i < BATCH; i++) {
            if (i > 0) {
                ingestBatch.writeByte(',');
            }
            ingestBatch.writeBytes(json);
        }
        ingestBatch.writeByte(']');
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ingestOne.release();
        ingestBatch.release();
    }

    /** A firehose entry end to end: the reader's id parse and routing scan, and what it publishes. */
    @Benchmark
    public LoggedEvent firehoseEntry() throws EventValidationException {
        byte[] body = entry.getBody().get("e");
        EventId id = EventId.parse(entry.getId());
        RoutingFields routing = RoutingFields.scan(body);
        return new LoggedEvent(id.ms(), id.seq(), routing.type(), routing.projectId(), routing.assetId(), body);
    }

    /** The routing scan alone, from the entry's byte array. */
    @Benchmark
    public RoutingFields scanRoutingFields() throws EventValidationException {
        return RoutingFields.scan(json);
    }

    /** The JSON decode alone, from the entry's byte array. */
    @Benchmark
    public AssetEvent decodeJson() throws EventValidationException {
        return EventJson.decode(json);
    }

    /** An ingest body holding one event. */
    @Benchmark
    public List<AssetEvent> ingestOneEvent() throws EventValidationException {
        return EventJson.decodeBatch(ingestOne);
    }

    /** An ingest body holding a batch of 100 events; figures are per event. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<AssetEvent> ingestBatchPerEvent() throws EventValidationException {
        return EventJson.decodeBatch(ingestBatch);
    }
}
