package com.motioness.edge.support;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A test client of HTTP/2 with prior knowledge (h2c), on Netty's frame codec: many streams on one
 * connection, each read as SSE; a stream may leave its flow-control window unreplenished, as a
 * reader that stopped reading.
 */
public final class H2Client implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;
    private final Frames codec;
    private final int port;

    /** Hands the frames read to the client, and opens its streams (Netty's public way to a new stream). */
    private static final class Frames extends Http2ChannelDuplexHandler {
        private final Map<Http2FrameStream, Stream> streams = new ConcurrentHashMap<>();
        private volatile Http2Settings remoteSettings;
        private volatile GoAway goAway;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                onFrame(msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        Http2FrameStream open() {
            return newStream();
        }

        private void onFrame(Object msg) {
            if (msg instanceof Http2SettingsFrame settings) {
                remoteSettings = settings.settings();
            } else if (msg instanceof Http2GoAwayFrame frame) {
                if (goAway == null) {
                    goAway = new GoAway(frame.errorCode(), frame.lastStreamId());
                }
            } else if (msg instanceof Http2HeadersFrame headers) {
                Stream stream = streams.get(headers.stream());
                if (stream != null) {
                    stream.onHeaders(headers);
                }
            } else if (msg instanceof Http2DataFrame data) {
                Stream stream = streams.get(data.stream());
                if (stream != null) {
                    stream.onData(data);
                }
            } else if (msg instanceof Http2ResetFrame reset) {
                Stream stream = streams.get(reset.stream());
                if (stream != null) {
                    stream.resetCode = reset.errorCode();
                    stream.ended = true;
                }
            }
        }
    }

    /** The first GOAWAY the server sent. */
    public record GoAway(long errorCode, int lastStreamId) {}

    private H2Client(EventLoopGroup group, Channel channel, Frames codec, int port) {
        this.group = group;
        this.channel = channel;
        this.codec = codec;
        this.port = port;
    }

    /** Connects to {@code 127.0.0.1:port} with Netty's default settings. */
    public static H2Client connect(int port) throws InterruptedException {
        return connect(port, Http2Settings.defaultSettings());
    }

    /** Connects with {@code settings} (e.g. a small initial window) and waits for the server's SETTINGS. */
    public static H2Client connect(int port, Http2Settings settings) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                .initialSettings(settings)
                .autoAckSettingsFrame(true)
                .build();
        Frames frames = new Frames();
        Channel channel = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(codec).addLast(frames);
                    }
                })
                .connect("127.0.0.1", port)
                .sync()
                .channel();
        H2Client client = new H2Client(group, channel, frames, port);
        Poll.until(() -> frames.remoteSettings != null, Duration.ofSeconds(5), "the server's SETTINGS");
        return client;
    }

    /** The server's SETTINGS. */
    public Http2Settings remoteSettings() {
        return codec.remoteSettings;
    }

    /** The GOAWAY the server sent, or null. */
    public GoAway goAway() {
        return codec.goAway;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** Opens a GET stream on {@code path} (HEADERS with END_STREAM), its headers given as name, value, … */
    public Stream get(String path, String... headers) throws Exception {
        return send("GET", path, null, true, headers);
    }

    /** Sends a request without a body (HEADERS with END_STREAM). */
    public Stream request(String method, String path, String... headers) throws Exception {
        return send(method, path, null, true, headers);
    }

    /** Opens a GET stream whose window is never replenished: a reader that stopped reading. */
    public Stream getNotReading(String path, String... headers) throws Exception {
        return send("GET", path, null, false, headers);
    }

    /** Sends a POST with {@code body} (HEADERS, then one DATA frame with END_STREAM). */
    public Stream post(String path, byte[] body, String... headers) throws Exception {
        return send("POST", path, body, true, headers);
    }

    private Stream send(String method, String path, byte[] body, boolean reads, String... headers) throws Exception {
        Http2Headers h2 = new DefaultHttp2Headers()
                .method(method)
                .scheme("http")
                .authority("127.0.0.1:" + port)
                .path(path);
        for (int i = 0; i < headers.length; i += 2) {
            h2.add(headers[i].toLowerCase(java.util.Locale.ROOT), headers[i + 1]);
        }
        Http2FrameStream frameStream;
        try {
            frameStream = codec.open();
        } catch (IllegalStateException closed) {
            // The connection is gone (e.g. closed after its GOAWAY): the request is refused here.
            Stream refused = new Stream(null, reads);
            refused.failure = closed;
            refused.ended = true;
            return refused;
        }
        Stream stream = new Stream(frameStream, reads);
        codec.streams.put(frameStream, stream);
        try {
            channel.eventLoop()
                    .submit(() -> {
                        channel.write(new DefaultHttp2HeadersFrame(h2, body == null).stream(frameStream))
                                .addListener(written -> {
                                    if (!written.isSuccess()) {
                                        stream.failure = written.cause();
                                        stream.ended = true;
                                    }
                                });
                        if (body != null) {
                            channel.write(
                                    new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true).stream(frameStream));
                        }
                        channel.flush();
                    })
                    .get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e;
        }
        return stream;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One stream: its response headers, its body as text and as SSE blocks, and how it ended. */
    public final class Stream {
        private final Http2FrameStream frameStream;
        private final boolean reads;
        private final StringBuffer text = new StringBuffer();
        private final List<SseBlock> blocks = new CopyOnWriteArrayList<>();
        private final SseParser parser = new SseParser(blocks::add);
        private volatile Http2Headers headers;
        private volatile boolean ended;
        private volatile long resetCode = -1;
        private volatile Throwable failure;

        private Stream(Http2FrameStream frameStream, boolean reads) {
            this.frameStream = frameStream;
            this.reads = reads;
        }

        private void onHeaders(Http2HeadersFrame frame) {
            if (frame.headers().status() != null && frame.headers().status().charAt(0) == '1') {
                return;
            }
            headers = frame.headers();
            ended |= frame.isEndStream();
        }

        private void onData(Http2DataFrame frame) {
            ByteBuf content = frame.content();
            byte[] bytes = ByteBufUtil.getBytes(content);
            text.append(new String(bytes, StandardCharsets.UTF_8));
            parser.feed(bytes, bytes.length);
            if (reads && frame.initialFlowControlledBytes() > 0) {
                channel.writeAndFlush(
                        new DefaultHttp2WindowUpdateFrame(frame.initialFlowControlledBytes()).stream(frameStream));
            }
            ended |= frame.isEndStream();
        }

        /** The stream's id once its HEADERS went out. */
        public int id() {
            return frameStream.id();
        }

        /** The response's status, once its headers arrived (waits up to 10 s). */
        public int status() throws InterruptedException {
            Poll.until(() -> headers != null || ended, Duration.ofSeconds(10), "the response headers");
            return headers == null ? -1 : Integer.parseInt(headers.status().toString());
        }

        public String header(String name) {
            CharSequence value = headers == null ? null : headers.get(name);
            return value == null ? null : value.toString();
        }

        public String text() {
            return text.toString();
        }

        /** The SSE blocks read so far. */
        public List<SseBlock> blocks() {
            return blocks;
        }

        /** The events (blocks with an event name) read so far. */
        public List<SseBlock> events() {
            return blocks.stream().filter(SseBlock::isEvent).toList();
        }

        /** Whether END_STREAM or RST_STREAM arrived (or the request could not be sent). */
        public boolean ended() {
            return ended;
        }

        /** Ended with END_STREAM, not a reset. */
        public boolean endedCleanly() {
            return ended && resetCode < 0 && failure == null;
        }

        /** The RST_STREAM error code, or -1. */
        public long resetCode() {
            return resetCode;
        }

        /** Why the request could not be sent, or null. */
        public Throwable failure() {
            return failure;
        }

        public void awaitEnd(Duration timeout) throws InterruptedException {
            Poll.until(
                    () -> ended, timeout, "the end of stream " + (frameStream == null ? "(none)" : frameStream.id()));
        }

        public void awaitEvents(int count, Duration timeout) throws InterruptedException {
            Poll.until(() -> events().size() >= count, timeout, count + " events on stream " + frameStream.id());
        }
    }
}
