package com.motioness.edge.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The HTTP/1 concerns of one client connection, between the request decoder and the router: the
 * request timeout (408), requests pipelined behind one whose answer is pending, whether the
 * connection takes another request after an answer, its hand-over to a stream, and its close when
 * the server shuts down. One instance per connection, on its loop.
 *
 * <p>Requests that arrive while an asynchronous answer is pending (pipelining) wait their turn, so
 * answers keep the order of requests; past a bound, the connection is not read until answers go
 * out. Every answer goes through {@link #answer} or {@link #answered}, which keep the connection for
 * the next request or end it.
 */
final class Http1Connection extends ChannelInboundHandlerAdapter {
    private final RequestTimeouts requestTimeouts;
    private ChannelHandlerContext ctx;
    /** This loop's request deadlines, among which this connection's, while its clock runs. */
    private RequestDeadlines deadlines;
    /*
     * Kept by RequestDeadlines, whose queue they link this connection into: whether its request
     * clock runs, until when, and the connections of the loop armed just before and after it.
     */
    boolean timed;
    long deadline;
    Http1Connection earlier;
    Http1Connection later;
    /**
     * No more requests are read: the connection belongs to a stream, or it ends after the answer
     * written last. What the client still sends is dropped.
     */
    private boolean noMoreRequests;

    private boolean awaitingAnswer;
    /** The request being answered is a HEAD: its answers carry every header and no body. */
    private boolean answeringHead;
    /** A request was handed on and the end of its body was not yet: only ingest reads a body. */
    private boolean bodyArriving;
    /**
     * The answer of a request whose lookup was already complete when its head was read, run when
     * the (empty) end of that request comes, in the same read: answering before it would hand the
     * connection to a stream while the decoder still holds that end.
     */
    private Runnable answerAtEnd;

    private final WaitingRequests waiting = new WaitingRequests();
    /** The requests held are being handed on, one after another, by {@link #resumeWaiting}. */
    private boolean resuming;

    /** @param requestTimeouts how long a client may take to send a complete request */
    Http1Connection(RequestTimeouts requestTimeouts) {
        this.requestTimeouts = requestTimeouts;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadlines = requestTimeouts.on(ctx.executor());
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // The connection turned out to be HTTP/2 (PriorKnowledge), or was handed to a stream.
        cancelRequestTimeout();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        armRequestTimeout();
        super.channelActive(ctx);
    }

    /**
     * Starts the time the client has to send its first request, on a connection that was active
     * before this handler was added (after a TLS handshake).
     */
    void startRequestTimeout() {
        armRequestTimeout();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (noMoreRequests) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (awaitingAnswer) {
            if (answerAtEnd != null && isEmptyEnd(msg)) {
                bodyArriving = false;
                ReferenceCountUtil.release(msg);
                runAnswerAtEnd();
                return;
            }
            hold(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            answeringHead = request.method().equals(HttpMethod.HEAD);
            bodyArriving = true;
        }
        if (msg instanceof LastHttpContent) {
            bodyArriving = false;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Answers the request whose answer waits on {@code pending} (a key, session or membership
     * lookup, an append). The requests read meanwhile wait their turn; once {@code pending}
     * completes, {@code answer} runs on the connection's loop, then those requests are handled in
     * order, until one of them awaits an answer in turn. On a connection closed meanwhile nothing is
     * answered and they are dropped.
     */
    <T> void completeOnLoop(CompletableFuture<T> pending, BiConsumer<? super T, ? super Throwable> answer) {
        completeOnLoop(pending, answer, null);
    }

    /**
     * As {@link #completeOnLoop(CompletableFuture, BiConsumer)}; {@code afterwards}, if not null,
     * runs on the loop last, whether the connection was still open or not.
     */
    <T> void completeOnLoop(
            CompletableFuture<T> pending, BiConsumer<? super T, ? super Throwable> answer, Runnable afterwards) {
        awaitingAnswer = true;
        if (pending.isDone() && ctx.executor().inEventLoop()) {
            // Known already (a project key from the keys file, a cached session, an append to the
            // embedded log): answered now, as a synchronous answer would be, without a task, and
            // without holding the end of the request that follows its head for a later turn (only to
            // its end, read with it). On a loop saturated by the fan-out a task per answer waited
            // behind a delivery task: pipelined requests were answered one per turn of the loop.
            T result = null;
            Throwable error = null;
            try {
                result = pending.getNow(null);
            } catch (CompletionException e) {
                error = e.getCause() != null ? e.getCause() : e;
            } catch (CancellationException e) {
                error = e;
            }
            if (bodyArriving) {
                T known = result;
                Throwable knownError = error;
                answerAtEnd = () -> answerPending(known, knownError, answer, afterwards);
            } else {
                answerPending(result, error, answer, afterwards);
            }
            return;
        }
        pending.whenComplete(
                (result, error) -> ctx.executor().execute(() -> answerPending(result, error, answer, afterwards)));
    }

    private static boolean isEmptyEnd(Object msg) {
        return msg instanceof LastHttpContent end
                && !(msg instanceof HttpRequest)
                && end.decoderResult().isSuccess()
                && !end.content().isReadable();
    }

    private void runAnswerAtEnd() {
        Runnable answer = answerAtEnd;
        answerAtEnd = null;
        answer.run();
    }

    private <T> void answerPending(
            T result, Throwable error, BiConsumer<? super T, ? super Throwable> answer, Runnable afterwards) {
        try {
            awaitingAnswer = false;
            if (!ctx.channel().isActive()) {
                waiting.release();
                return;
            }
            answer.accept(result, error);
            // A HEAD or an error answered on a kept-alive connection: the requests behind it go on.
            resumeWaiting();
        } finally {
            if (afterwards != null) {
                afterwards.run();
            }
        }
    }

    void answer(ApiError error, CorsPolicy cors, String origin, boolean keepAlive) {
        answer(error, cors, origin, keepAlive, null);
    }

    /** Writes an error answer (without its body to a HEAD); unless {@code keepAlive}, the connection ends with it. */
    void answer(
            ApiError error, CorsPolicy cors, String origin, boolean keepAlive, Consumer<ResponseHead> extraHeaders) {
        Responses.error(ctx.channel(), error, cors, origin, keepAlive, extraHeaders, answeringHead);
        answered(keepAlive);
    }

    Channel channel() {
        return ctx.channel();
    }

    /** Whether the request being answered is a HEAD, whose answers carry no body. */
    boolean answeringHead() {
        return answeringHead;
    }

    /** An answer was written: the connection waits for the next request, or, unless {@code keepAlive}, ends with it. */
    void answered(boolean keepAlive) {
        if (keepAlive) {
            armRequestTimeout();
        } else {
            // The connection closes once this answer is out: nothing the client sent after it is answered.
            noMoreRequests = true;
            cancelRequestTimeout();
            updateReading();
        }
    }

    /** Whether the connection ends after the answer written last (or belongs to a stream): it reads no more requests. */
    boolean readsNoMoreRequests() {
        return noMoreRequests;
    }

    /** The request was read whole: the timeout no longer runs while it is answered. */
    void requestRead() {
        cancelRequestTimeout();
    }

    /**
     * The server is closing and answers with {@code error}: with requests read behind this one
     * (and {@code keepAlive}), they get their own answers and the connection stays for them; after
     * the last, the connection ends.
     */
    void answerWhileClosing(ApiError error, boolean keepAlive, Consumer<ResponseHead> extraHeaders) {
        boolean more = keepAlive && !waiting.isEmpty();
        Responses.error(ctx.channel(), error, CorsPolicy.NONE, null, true, head -> {
            extraHeaders.accept(head);
            if (!more) {
                head.header(HttpNames.CONNECTION, "close");
            }
        });
        if (more) {
            answered(true);
        } else {
            // Whatever the client sends after the last answer is not read.
            noMoreRequests = true;
            cancelRequestTimeout();
            updateReading();
            shutOutputWhenFlushed(ctx);
        }
    }

    /**
     * The connection belongs to a stream from now on: it reads no more requests, and this handler,
     * the decoder before it and the handlers after it leave the pipeline. What the client still
     * sends reaches the stream's handler as bytes and is dropped there.
     */
    void handOver() {
        cancelRequestTimeout();
        noMoreRequests = true;
        waiting.release();
        updateReading();
        ChannelPipeline pipeline = ctx.pipeline();
        // A stream reads no more requests: its decoder's parsers and buffers (about 0.7 KB of heap
        // per connection, with tens of thousands of streams held) go. Bytes it still held are
        // handed to this handler as it leaves, which drops them.
        HttpRequestDecoder decoder = pipeline.get(HttpRequestDecoder.class);
        if (decoder != null) {
            pipeline.remove(decoder);
        }
        while (pipeline.last() != this) {
            pipeline.removeLast();
        }
        pipeline.remove(this);
    }

    /** A client must send a complete request within the timeout; a slow one is answered 408 and closed. */
    private void armRequestTimeout() {
        deadlines.arm(this);
    }

    /** The client did not send a complete request in time (called by {@link RequestDeadlines}). */
    void requestTimedOut() {
        if (!noMoreRequests && !awaitingAnswer && ctx.channel().isActive()) {
            answeringHead = false;
            answer(
                    ApiError.of(
                            HttpResponseStatus.REQUEST_TIMEOUT,
                            "request_timeout",
                            "the request was not received in time"),
                    CorsPolicy.NONE,
                    null,
                    false);
        }
    }

    private void cancelRequestTimeout() {
        deadlines.cancel(this);
    }

    /** Holds a request part read while an earlier request awaits its answer. */
    private void hold(Object msg) {
        waiting.add(msg);
        updateReading();
    }

    private void resumeWaiting() {
        if (resuming) {
            // Answered at once within the loop below (completeOnLoop): the loop goes on with the next request.
            return;
        }
        resuming = true;
        try {
            Object msg;
            while (!awaitingAnswer && (msg = waiting.poll()) != null) {
                channelRead(ctx, msg);
            }
        } finally {
            resuming = false;
        }
        updateReading();
    }

    /**
     * Back-pressure instead of a cut: the connection is not read while it holds too many requests
     * unanswered, or while its answers do not go out (its write buffer is over the high-water mark,
     * as with a client that pipelines without reading); it is read again once half of those
     * requests have been answered and the answers have gone out. What the client sends meanwhile waits in
     * the kernel's buffers, then in its own, which slows it down. A connection that takes no more
     * requests is read on, so its client's close is seen.
     */
    private void updateReading() {
        ChannelConfig config = ctx.channel().config();
        boolean reading = config.isAutoRead();
        boolean read;
        if (noMoreRequests) {
            read = true;
        } else if (!ctx.channel().isWritable()) {
            read = false;
        } else {
            read = waiting.allowRead(reading);
        }
        if (read != reading) {
            config.setAutoRead(read);
        }
    }

    /**
     * The server is closing this connection, after every append it issued has been answered.
     * A body still arriving is answered 503 (nothing of it was stored). An answer still awaited
     * belongs to an append that outlived the server's wait: its outcome is unknown, so the
     * connection closes without an answer rather than with a 503 that may be false.
     */
    private void closeForShutdown() {
        if (noMoreRequests) {
            // A connection already ending (a stream's has no such handler any more).
            return;
        }
        noMoreRequests = true;
        cancelRequestTimeout();
        waiting.release();
        updateReading();
        if (awaitingAnswer) {
            ctx.close();
        } else if (bodyArriving) {
            // What arrived of the body is released with the connection, by the ingest aggregator.
            IngestHandler.refuse(this, false);
        } else {
            shutOutputWhenFlushed(ctx);
        }
    }

    /**
     * Once everything written is flushed, shuts the output: the client reads its answers, then the
     * end, and closes; the connection closes with it (or when the server stops waiting). Closing at
     * once, with requests the client sent still unread, would reset the connection, which can
     * discard answers not yet sent.
     */
    private static void shutOutputWhenFlushed(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
            if (ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        updateReading();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelRequestTimeout();
        if (answerAtEnd != null) {
            // Closed before the request's end came: nothing is answered, what runs afterwards still does.
            runAnswerAtEnd();
        }
        waiting.release();
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == IngestGate.CLOSE_CONNECTION) {
            closeForShutdown();
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionErrors.close(ctx, cause);
    }
}
