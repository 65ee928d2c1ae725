package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Http1Connection#completeOnLoop}, alone on an EmbeddedChannel: the answer runs on the
 * connection's loop, not on the thread that completed the lookup; the requests read meanwhile wait
 * and are handed on after the answer, in order; a second wait started by the answer keeps the rest
 * waiting; on a closed connection nothing is answered and the waiting requests are released.
 */
class Http1ConnectionTest {
    private final List<String> seen = new ArrayList<>();
    private Http1Connection connection;
    private EmbeddedChannel channel;

    /** Stands for the router: notes each request part handed on, and releases it. */
    private final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                seen.add("request " + request.uri());
            } else if (msg instanceof HttpContent content) {
                seen.add("content " + content.content().toString(StandardCharsets.US_ASCII));
            }
            ReferenceCountUtil.release(msg);
        }
    }

    @BeforeEach
    void setUp() {
        connection = new Http1Connection(new RequestTimeouts(Duration.ofHours(1).toNanos(), List.of()));
        channel = new EmbeddedChannel(connection, new Recorder());
    }

    private static HttpRequest get(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    private static HttpContent content(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    @Test
    void theAnswerRunsOnTheLoopThenTheRequestsThatWaitedInOrder() {
        channel.writeInbound(get("/1"));
        CompletableFuture<String> lookup = new CompletableFuture<>();
        List<Thread> answeredOn = new ArrayList<>();
        connection.completeOnLoop(
                lookup,
                (value, error) -> {
                    answeredOn.add(Thread.currentThread());
                    seen.add("answer " + value);
                },
                () -> seen.add("afterwards"));
        channel.writeInbound(get("/2"), content("body"), LastHttpContent.EMPTY_LAST_CONTENT, get("/3"));
        assertEquals(List.of("request /1"), seen, "requests read while the answer is pending wait");

        CompletableFuture.runAsync(() -> lookup.complete("key")).join();
        assertEquals(List.of("request /1"), seen, "the answer waits for the loop, not the completing thread");

        channel.runPendingTasks();
        assertEquals(
                List.of(
                        "request /1",
                        "answer key",
                        "request /2",
                        "content body",
                        "content ",
                        "request /3",
                        "afterwards"),
                seen);
        assertSame(Thread.currentThread(), answeredOn.get(0), "the loop of an EmbeddedChannel is the test's thread");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aWaitStartedByTheAnswerKeepsTheRestWaiting() {
        CompletableFuture<String> session = new CompletableFuture<>();
        CompletableFuture<Boolean> membership = new CompletableFuture<>();
        connection.completeOnLoop(session, (user, error) -> {
            seen.add("session " + user);
            connection.completeOnLoop(membership, (member, lookupError) -> seen.add("member " + member));
        });
        channel.writeInbound(get("/2"), get("/3"));
        session.complete("u1");
        channel.runPendingTasks();
        assertEquals(List.of("session u1"), seen, "the membership lookup holds the requests behind it");

        membership.complete(true);
        channel.runPendingTasks();
        assertEquals(List.of("session u1", "member true", "request /2", "request /3"), seen);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aConnectionClosedMeanwhileGetsNoAnswerAndItsWaitingRequestsAreReleased() {
        CompletableFuture<String> lookup = new CompletableFuture<>();
        connection.completeOnLoop(lookup, (value, error) -> seen.add("answer"), () -> seen.add("afterwards"));
        HttpContent waiting = content("held");
        channel.writeInbound(get("/2"), waiting);
        channel.close();
        lookup.complete("late");
        channel.runPendingTasks();
        assertEquals(List.of("afterwards"), seen, "no answer, but what must follow it still runs");
        assertEquals(0, waiting.refCnt(), "the requests that waited are released");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aConnectionHoldingTooManyWaitingRequestsIsNotReadUntilHalfAreAnswered() {
        CompletableFuture<String> lookup = new CompletableFuture<>();
        connection.completeOnLoop(lookup, (value, error) -> {});
        for (int i = 0; i < 127; i++) {
            channel.writeInbound(get("/" + i));
        }
        assertTrue(channel.config().isAutoRead());
        channel.writeInbound(get("/127"));
        assertFalse(channel.config().isAutoRead(), "128 requests waiting: the connection is not read");

        lookup.complete("done");
        channel.runPendingTasks();
        assertEquals(128, seen.size());
        assertTrue(channel.config().isAutoRead(), "all answered: read again");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aStreamTakesTheConnectionOverAndTheRequestHandlersLeave() {
        channel.pipeline().addFirst("http-decoder", new HttpRequestDecoder());
        connection.handOver();
        assertTrue(connection.readsNoMoreRequests());
        assertNull(channel.pipeline().first(), "the decoder, this handler and the router behind it are gone");
        assertFalse(channel.finishAndReleaseAll());
    }
}
