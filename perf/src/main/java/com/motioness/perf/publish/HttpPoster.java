package com.motioness.perf.publish;

import com.motioness.perf.MicroClock;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * POSTs over a few keep-alive connections, pipelined: requests go out without waiting for the
 * answers, which come back in order on each connection. A bound on unanswered requests keeps a
 * stalled server from growing the client's memory; hitting it makes the publisher late.
 */
final class HttpPoster implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<Channel> channels = new ArrayList<>();
    private final Bootstrap bootstrap;
    private final String host;
    private final String authorization;
    private final Semaphore unanswered;
    private final int maxUnanswered;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final AnswerTimes answerTimes = new AnswerTimes();

    HttpPoster(String host, int port, int connections, int maxUnanswered, String authorization)
            throws InterruptedException {
        this.host = host + ":" + port;
        this.authorization = authorization;
        this.maxUnanswered = maxUnanswered;
        this.unanswered = new Semaphore(maxUnanswered);
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress(host, port);
        for (int i = 0; i < connections; i++) {
            channels.add(connect());
        }
    }

    private Channel connect() throws InterruptedException {
        ArrayDeque<Pending> pending = new ArrayDeque<>();
        Channel channel = bootstrap
                .clone()
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpClientCodec(),
                                        new HttpObjectAggregator(1 << 20),
                                        new AnswerHandler(pending));
                    }
                })
                .connect()
                .sync()
                .channel();
        channel.attr(AnswerHandler.PENDING).set(pending);
        return channel;
    }

    /**
     * Sends one POST carrying {@code events} events on connection {@code lane mod connections};
     * blocks while too many are unanswered. Requests of one lane are handled in order; requests of
     * different lanes may overtake each other.
     *
     * @param intendedMicros when the request was due: its first event's scheduled send time
     */
    void post(int lane, String path, String contentType, byte[] body, int events, long intendedMicros)
            throws InterruptedException {
        unanswered.acquire();
        int index = Math.floorMod(lane, channels.size());
        if (!channels.get(index).isActive()) {
            // Servers close keep-alive connections after so many requests (nginx: 1,000).
            channels.set(index, connect());
        }
        Channel channel = channels.get(index);
        FullHttpRequest request =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.wrappedBuffer(body));
        request.headers()
                .set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        if (authorization != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        Pending sent = new Pending(events, intendedMicros, MicroClock.nowMicros());
        answerTimes.sent(intendedMicros);
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                // Closed by the server: nothing will answer this one, so count it now.
                request.release();
                failed.addAndGet(events);
                firstFailure.compareAndSet(null, "connection closed by the server");
                unanswered.release();
                return;
            }
            channel.attr(AnswerHandler.PENDING).get().add(sent);
            channel.writeAndFlush(request);
        });
    }

    long acknowledged() {
        return acknowledged.get();
    }

    long failed() {
        return failed.get();
    }

    String firstFailure() {
        return firstFailure.get();
    }

    AnswerTimes answerTimes() {
        return answerTimes;
    }

    boolean awaitAnswered(long timeoutMillis) throws InterruptedException {
        if (!unanswered.tryAcquire(maxUnanswered, timeoutMillis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        unanswered.release(maxUnanswered);
        return true;
    }

    @Override
    public void close() {
        channels.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        static final io.netty.util.AttributeKey<ArrayDeque<Pending>> PENDING =
                io.netty.util.AttributeKey.valueOf("perf.pending");
        private final ArrayDeque<Pending> pending;

        AnswerHandler(ArrayDeque<Pending> pending) {
            this.pending = pending;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Pending request = pending.poll();
            if (request == null) {
                // Nothing asked: a server's goodbye on an idle keep-alive connection (the edge's 408
                // after its header timeout), not a failed publish.
                return;
            }
            answerTimes.answered(request.intendedMicros, request.sentMicros);
            int n = request.events;
            if (response.status().code() / 100 == 2) {
                acknowledged.addAndGet(n);
            } else {
                failed.addAndGet(n);
                firstFailure.compareAndSet(
                        null, response.status() + " " + response.content().toString(StandardCharsets.UTF_8));
            }
            unanswered.release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            int lost = 0;
            for (Pending request; (request = pending.poll()) != null; ) {
                failed.addAndGet(request.events);
                lost++;
            }
            if (lost > 0) {
                firstFailure.compareAndSet(null, "connection closed with " + lost + " requests unanswered");
                unanswered.release(lost);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            firstFailure.compareAndSet(null, cause.toString());
            ctx.close();
        }
    }

    /** A request on its way: how many events it carries, when it was due and when it was sent. */
    private record Pending(int events, long intendedMicros, long sentMicros) {}
}
