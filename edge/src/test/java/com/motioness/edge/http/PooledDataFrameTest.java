package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PooledDataFrame} between the edge's server codec and Netty's client codec, the bytes
 * carried by hand from one to the other: a payload larger than the stream's window is sent in parts
 * as the window opens, in order with the next payload, its promise done with its last byte; a
 * payload larger than the peer's frame size is split; a reset stream releases what waits and fails
 * its promise.
 */
class PooledDataFrameTest {
    private EmbeddedChannel server;
    private EmbeddedChannel client;
    private final ServerSide serverSide = new ServerSide();
    private final ClientSide clientSide = new ClientSide();
    private Http2FrameStream serverStream;
    private Http2FrameStream clientStream;

    @AfterEach
    void close() {
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    @Test
    void aPayloadLargerThanTheWindowIsSentInPartsAsItOpensInOrderWithTheNext() {
        open(100);
        ByteBuf first = payload('a', 150);
        ByteBuf second = payload('b', 150);
        ChannelPromise firstWritten = write(first);
        ChannelPromise secondWritten = write(second);
        server.flush();
        exchange();
        assertEquals(List.of(100), clientSide.takeSizes());
        assertFalse(firstWritten.isDone(), "done only with the payload's last byte");

        grantWindow(100);
        assertEquals(List.of(50, 50), clientSide.takeSizes());
        assertTrue(firstWritten.isSuccess());
        assertEquals(0, first.refCnt());
        assertFalse(secondWritten.isDone());

        grantWindow(100);
        assertEquals(List.of(100), clientSide.takeSizes());
        assertTrue(secondWritten.isSuccess());
        assertEquals(0, second.refCnt());
        assertEquals("a".repeat(150) + "b".repeat(150), clientSide.received.toString());
    }

    @Test
    void aPayloadLargerThanThePeersFrameSizeIsSplit() {
        open(65_535);
        ByteBuf big = payload('c', 20_000);
        ChannelPromise written = write(big);
        server.flush();
        exchange();
        assertEquals(List.of(16_384, 20_000 - 16_384), clientSide.takeSizes());
        assertTrue(written.isSuccess());
        assertEquals(0, big.refCnt());
        assertEquals("c".repeat(20_000), clientSide.received.toString());
    }

    @Test
    void aResetStreamReleasesWhatWaitsAndFailsItsPromiseAndTheConnectionGoesOn() {
        open(100);
        ByteBuf stalled = payload('d', 250);
        ChannelPromise written = write(stalled);
        server.flush();
        exchange();
        assertEquals(List.of(100), clientSide.takeSizes());

        client.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(clientStream));
        exchange();
        assertEquals(0, stalled.refCnt(), "the 150 bytes that waited for the window are released");
        assertInstanceOf(Http2Exception.class, written.cause());
        assertTrue(server.isActive(), "a stream's reset leaves its connection");
        assertEquals(List.of(), clientSide.takeSizes());
    }

    /** Connects the two codecs, the client's streams with {@code window} bytes, and opens one stream. */
    private void open(int window) {
        Http2FrameCodec serverCodec = new EdgeHttp2CodecBuilder().build();
        assertInstanceOf(PooledDataEncoder.class, serverCodec.encoder());
        server = new EmbeddedChannel(serverCodec, serverSide);
        client = new EmbeddedChannel(
                Http2FrameCodecBuilder.forClient()
                        .initialSettings(Http2Settings.defaultSettings().initialWindowSize(window))
                        .build(),
                clientSide);
        clientStream = clientSide.open();
        client.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers()
                                .method("GET")
                                .scheme("http")
                                .authority("test")
                                .path("/"),
                        true)
                .stream(clientStream));
        exchange();
        server.writeAndFlush(
                new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false).stream(serverStream));
        exchange();
    }

    private static ByteBuf payload(char c, int length) {
        return Unpooled.copiedBuffer(String.valueOf(c).repeat(length), StandardCharsets.US_ASCII);
    }

    private ChannelPromise write(ByteBuf payload) {
        ChannelPromise written = server.newPromise();
        server.write(new DefaultHttp2DataFrame(payload).stream(serverStream), written);
        return written;
    }

    /** The client reads what it got and returns it to the stream's window, as a reader does. */
    private void grantWindow(int bytes) {
        client.writeAndFlush(new DefaultHttp2WindowUpdateFrame(bytes).stream(clientStream));
        exchange();
    }

    /** Carries bytes both ways until neither side has more to send. */
    private void exchange() {
        boolean moved;
        do {
            moved = carry(client, server) | carry(server, client);
        } while (moved);
    }

    private static boolean carry(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        Object bytes;
        while ((bytes = from.readOutbound()) != null) {
            moved = true;
            to.writeInbound(bytes);
        }
        to.runPendingTasks();
        return moved;
    }

    private final class ServerSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame headers) {
                serverStream = headers.stream();
            }
            ReferenceCountUtil.release(msg);
        }
    }

    private static final class ClientSide extends Http2ChannelDuplexHandler {
        final StringBuilder received = new StringBuilder();
        private final List<Integer> sizes = new ArrayList<>();

        Http2FrameStream open() {
            return newStream();
        }

        List<Integer> takeSizes() {
            List<Integer> taken = List.copyOf(sizes);
            sizes.clear();
            return taken;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2DataFrame data) {
                sizes.add(data.content().readableBytes());
                received.append(data.content().toString(StandardCharsets.US_ASCII));
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
