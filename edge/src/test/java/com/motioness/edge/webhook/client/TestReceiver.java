package com.motioness.edge.webhook.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A receiver on 127.0.0.1, port 0: records each request and answers as told, or never. */
final class TestReceiver implements AutoCloseable {

    /** A request as it arrived: method, target, headers and body bytes. */
    record Received(String method, String uri, HttpHeaders headers, byte[] body) {}

    /** How to answer: a status with a body of {@code bodyBytes} bytes, after a delay; or never. */
    record Reply(int status, int bodyBytes, long delayMs, boolean close, boolean never, String location) {
        static Reply status(int status) {
            return new Reply(status, 0, 0, false, false, null);
        }

        static Reply hang() {
            return new Reply(0, 0, 0, false, true, null);
        }

        static Reply body(int status, int bodyBytes) {
            return new Reply(status, bodyBytes, 0, false, false, null);
        }

        static Reply delayed(int status, long delayMs) {
            return new Reply(status, 0, delayMs, false, false, null);
        }

        static Reply closing(int status) {
            return new Reply(status, 0, 0, true, false, null);
        }

        static Reply redirect(String location) {
            return new Reply(302, 0, 0, false, false, location);
        }

        /** Closes the connection instead of answering. */
        static Reply reset() {
            return new Reply(-1, 0, 0, true, false, null);
        }
    }

    final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final boolean tls;

    private TestReceiver(SslContext ssl, Function<Received, Reply> replies) throws InterruptedException {
        this.tls = ssl != null;
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        accepted.incrementAndGet();
                        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                        channel.closeFuture().addListener(f -> {
                            open.decrementAndGet();
                            closed.incrementAndGet();
                        });
                        if (ssl != null) {
                            channel.pipeline().addLast(ssl.newHandler(channel.alloc()));
                        }
                        channel.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(1 << 20))
                                .addLast(new Answering(replies));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    static TestReceiver start(Function<Received, Reply> replies) throws InterruptedException {
        return new TestReceiver(null, replies);
    }

    static TestReceiver startTls(SslContext ssl, Function<Received, Reply> replies) throws InterruptedException {
        return new TestReceiver(ssl, replies);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** {@code http(s)://<host>:<port><path>}. */
    URI url(String host, String path) {
        return URI.create((tls ? "https://" : "http://") + host + ":" + port() + path);
    }

    URI url(String path) {
        return url("127.0.0.1", path);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answering extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Function<Received, Reply> replies;

        Answering(Function<Received, Reply> replies) {
            this.replies = replies;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Received one = new Received(
                    request.method().name(),
                    request.uri(),
                    request.headers().copy(),
                    ByteBufUtil.getBytes(request.content()));
            received.add(one);
            Reply reply = replies.apply(one);
            if (reply.never()) {
                return;
            }
            if (reply.status() < 0) {
                ctx.close();
                return;
            }
            if (reply.delayMs() > 0) {
                ctx.executor().schedule(() -> answer(ctx, reply), reply.delayMs(), TimeUnit.MILLISECONDS);
            } else {
                answer(ctx, reply);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The client closing mid-response (a body past its limit, a timeout) is expected here.
            ctx.close();
        }

        private void answer(ChannelHandlerContext ctx, Reply reply) {
            ByteBuf body = ctx.alloc().buffer(reply.bodyBytes());
            body.writeZero(reply.bodyBytes());
            FullHttpResponse response =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()), body);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.bodyBytes());
            if (reply.location() != null) {
                response.headers().set(HttpHeaderNames.LOCATION, reply.location());
            }
            if (reply.close()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ctx.writeAndFlush(response);
        }
    }
}
