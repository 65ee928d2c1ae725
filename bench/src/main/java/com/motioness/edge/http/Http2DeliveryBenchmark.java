package com.motioness.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * The HTTP/2 delivery path of one event: the event's SSE bytes, encoded once, written to each of
 * {@code streams} HTTP/2 streams of one connection as a retained slice of the one buffer, through
 * each stream channel's {@link Http2StreamFraming} (a DATA frame), Netty's multiplexer, frame codec
 * and flow controller, then flushed; the connection (an EmbeddedChannel) releases what is flushed at
 * once, as a socket with room does. A real Netty client codec opened the streams, with flow-control
 * windows large enough for an iteration, rebuilt before each.
 *
 * <p>Bytes per delivery are {@code (norm(N) - norm(1)) / (N - 1)} of {@code gc.alloc.rate.norm}, as
 * in {@code FanoutBenchmark} (whose HTTP/1 writes allocate about 6 B per delivery).
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
public class Http2DeliveryBenchmark {
    @Param({"1", "100"})
    int streams;

    /**
     * The server's frame codec: the edge's ({@link EdgeHttp2CodecBuilder}, whose plain DATA frames
     * go to the flow controller as {@link PooledDataFrame}s), or Netty's as it comes, for comparison.
     */
    @Param({"edge", "netty"})
    String codec;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final byte[] sse = ("event: stage_completed\nid: 1764300012345\ndata: {\"type\":\"stage_completed\","
                    + "\"asset_id\":\"asset-1\",\"project_id\":\"project-1\",\"ts\":1764300000000,\"attempt\":1,"
                    + "\"stage\":\"render\",\"latency_ms\":812,\"request_id\":\"req-1\"}\n\n")
            .getBytes(StandardCharsets.UTF_8);
    private EmbeddedChannel server;
    private EmbeddedChannel client;
    private List<Channel> children;

    @Setup(Level.Iteration)
    public void setUp() {
        children = new ArrayList<>();
        List<Channel> opened = children;
        server = new SocketLikeChannel();
        Http2FrameCodecBuilder serverBuilder =
                codec.equals("edge") ? new EdgeHttp2CodecBuilder() : Http2FrameCodecBuilder.forServer();
        Http2FrameCodec serverCodec = serverBuilder
                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(10_000))
                .build();
        server.pipeline().addLast(serverCodec).addLast(new Http2MultiplexHandler(new StreamInit(opened)));
        server.runPendingTasks();

        client = new EmbeddedChannel();
        Http2FrameCodec clientCodec = Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().initialWindowSize(Integer.MAX_VALUE))
                .build();
        StreamOpener opener = new StreamOpener();
        client.pipeline().addLast(clientCodec).addLast(opener);
        client.writeAndFlush(new DefaultHttp2WindowUpdateFrame(Integer.MAX_VALUE - 65_535));
        for (int i = 0; i < streams; i++) {
            Http2FrameStream stream = opener.open();
            client.writeAndFlush(new DefaultHttp2HeadersFrame(
                            new DefaultHttp2Headers()
                                    .method("GET")
                                    .scheme("http")
                                    .authority("bench")
                                    .path("/v1/key/events/asset-1"),
                            true)
                    .stream(stream));
        }
        Object bytes;
        while ((bytes = client.readOutbound()) != null) {
            server.writeInbound(bytes);
        }
        server.runPendingTasks();
        if (opened.size() != streams) {
            throw new IllegalStateException("opened " + opened.size() + " of " + streams + " streams");
        }
        for (Channel child : opened) {
            // The response's HEADERS frame: the streams carry DATA from here on, as a stream does after its head.
            child.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
        }
    }

    @Benchmark
    public void deliverOneEvent() {
        ByteBuf shared = alloc.directBuffer(sse.length).writeBytes(sse);
        int length = shared.readableBytes();
        for (Channel child : children) {
            child.write(shared.retainedSlice(0, length), child.voidPromise());
        }
        for (Channel child : children) {
            child.flush();
        }
        shared.release();
    }

    /**
     * The same DATA frames written to the connection's frame codec directly, each naming its
     * stream, with one flush: no stream channels. {@link #deliverOneEvent} minus this is what the
     * stream channels (Netty's multiplexer and the edge's framing) add per delivery.
     */
    @Benchmark
    public void codecWithoutStreamChannels() {
        ByteBuf shared = alloc.directBuffer(sse.length).writeBytes(sse);
        int length = shared.readableBytes();
        for (Channel child : children) {
            server.write(
                    new DefaultHttp2DataFrame(shared.retainedSlice(0, length), false)
                            .stream(((Http2StreamChannel) child).stream()),
                    server.voidPromise());
        }
        server.flush();
        shared.release();
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    /** Netty's public way to a new outbound stream. */
    private static final class StreamOpener extends Http2ChannelDuplexHandler {
        Http2FrameStream open() {
            return newStream();
        }
    }

    @ChannelHandler.Sharable
    private static final class StreamInit extends ChannelInitializer<Http2StreamChannel> {
        private final List<Channel> opened;

        StreamInit(List<Channel> opened) {
            this.opened = opened;
        }

        @Override
        protected void initChannel(Http2StreamChannel stream) {
            stream.pipeline().addLast(new Http2StreamFraming());
            opened.add(stream);
        }
    }

    /** The connection's "socket": takes every flushed buffer at once and releases it. */
    private static final class SocketLikeChannel extends EmbeddedChannel {
        @Override
        protected void handleOutboundMessage(Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
