package com.motioness.edge.fanout;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import com.motioness.protocol.EventValidationException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
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
 * The HTTP body framing of a stream, per delivery of one shared frame to one subscriber:
 * <ul>
 * <li>{@code prechunked}: what the edge does: the frame was encoded once as a whole HTTP/1.1
 * chunk (size line, SSE bytes, CRLF) and each channel writes a retained duplicate of it;
 * <li>{@code nettyEncoder}: a naive Netty server: an {@link HttpResponseEncoder} in every
 * pipeline, the response head sent with {@code Transfer-Encoding: chunked}, and each delivery
 * writes a {@link DefaultHttpContent} around a retained duplicate of the bare SSE frame, which the
 * encoder frames as a chunk on every write;
 * <li>{@code unframed}: no framing at all, the body delimited by closing the connection
 * ({@code Connection: close}, as the edge answers HTTP/1.0): each channel writes a retained slice
 * of the bare SSE bytes ({@link SharedFrame#retainedFor}{@code (false)}).
 * </ul>
 * One operation is one delivery: write and flush the frame on the next channel, round robin over
 * {@code subscribers} channels (the count only changes how many pipelines are cycled through).
 * Writes use the void promise in every variant, so the difference is the framing alone. Runs on
 * {@code FastThreadLocalThread}s, like event loops, so Netty's recycler behaves as in production.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Dio.netty.leakDetection.level=disabled",
            "-Djmh.executor=CUSTOM",
            "-Djmh.executor.class=com.motioness.bench.EventLoopThreadExecutor"
        })
public class BodyFramingBenchmark {
    @Param({"prechunked", "nettyEncoder", "unframed"})
    String framing;

    @Param({"1", "100", "10000"})
    int subscribers;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private EmbeddedChannel[] channels;
    private SharedFrame frame;
    private ByteBuf bareFrame;
    private int next;
    /** {@link #framing} as a number, so the measured switch compares ints, not strings. */
    private int mode;

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
        byte[] json = EventJson.encode(event);
        frame = SharedFrame.event(
                alloc, 1_764_300_004_567L, 0, EventType.STAGE_COMPLETED, "demo", "demo-asset-1", json);
        bareFrame = ChunkFraming.event(alloc, EventType.STAGE_COMPLETED, 1_764_300_004_567L, 0, json, false);
        mode = framing.equals("prechunked") ? 0 : framing.equals("nettyEncoder") ? 1 : 2;
        channels = new EmbeddedChannel[subscribers];
        for (int i = 0; i < subscribers; i++) {
            if (mode == 1) {
                channels[i] = new SocketLikeChannel(new HttpResponseEncoder());
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers()
                        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                channels[i].writeAndFlush(head);
            } else {
                channels[i] = new SocketLikeChannel();
            }
        }
    }

    @Benchmark
    public void deliver() {
        EmbeddedChannel channel = channels[next];
        next = next + 1 == channels.length ? 0 : next + 1;
        switch (mode) {
            case 0:
                channel.write(frame.retainedFor(true), channel.voidPromise());
                break;
            case 1:
                channel.write(new DefaultHttpContent(bareFrame.retainedDuplicate()), channel.voidPromise());
                break;
            default:
                channel.write(frame.retainedFor(false), channel.voidPromise());
                break;
        }
        channel.flush();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
        frame.release();
        bareFrame.release();
    }

    /** An EmbeddedChannel whose "socket" takes every flushed buffer at once and releases it. */
    private static final class SocketLikeChannel extends EmbeddedChannel {
        SocketLikeChannel(ChannelHandler... handlers) {
            super(handlers);
        }

        @Override
        protected void handleOutboundMessage(Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
