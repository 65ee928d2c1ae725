package com.motioness.perf.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/2 connection carrying up to {@code capacity} of the harness's streams, as a browser
 * puts every EventSource of a page on one connection. Confined to its event loop. Streams asked
 * for before the connection is ready (connected, TLS and ALPN {@code h2} done, the preface sent)
 * wait; a connection that fails or closes fails them, and they reconnect on another.
 *
 * <p>Sharable only in that a connect whose source port was taken is made again on a new channel
 * with the same handler; it is in one live pipeline at a time.
 */
@ChannelHandler.Sharable
final class H2Connection extends ChannelInboundHandlerAdapter {
    private final StreamClient client;
    private final boolean tls;
    private final int capacity;
    private final List<SseStream> waiting = new ArrayList<>();
    private Channel channel;
    private int assigned;
    private boolean ready;
    private boolean closed;

    H2Connection(StreamClient client, boolean tls, int capacity) {
        this.client = client;
        this.tls = tls;
        this.capacity = capacity;
    }

    /** False once full, failed or closed: the next stream goes to a new connection. */
    boolean hasRoom() {
        return !closed && assigned < capacity;
    }

    void add(SseStream stream) {
        assigned++;
        if (ready) {
            open(stream);
        } else {
            waiting.add(stream);
        }
    }

    /** The connect attempt's channel (a taken source port makes another). */
    void connecting(Channel channel) {
        this.channel = channel;
    }

    /** The connection could not be made. */
    void failed() {
        closed = true;
        for (SseStream stream : waiting) {
            stream.onConnectFailed(null);
        }
        waiting.clear();
    }

    private void open(SseStream stream) {
        new Http2StreamChannelBootstrap(channel)
                .handler(new H2SseHandler(stream))
                .open()
                .addListener(opened -> {
                    if (opened.isSuccess()) {
                        Http2StreamChannel child = (Http2StreamChannel) opened.getNow();
                        stream.attach(child);
                        child.writeAndFlush(new DefaultHttp2HeadersFrame(client.h2Request(stream), true));
                    } else {
                        client.connectionError(stream);
                        stream.onConnectFailed(null);
                    }
                });
    }

    /** After the codec sent its preface: h2c is ready; over TLS the handshake decides. */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!tls) {
            becomeReady();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            String protocol = ctx.pipeline().get(SslHandler.class).applicationProtocol();
            if (handshake.isSuccess() && ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                becomeReady();
            } else {
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    private void becomeReady() {
        ready = true;
        for (SseStream stream : waiting) {
            open(stream);
        }
        waiting.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Open streams see their own channels close; the ones still waiting are failed here.
        failed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
