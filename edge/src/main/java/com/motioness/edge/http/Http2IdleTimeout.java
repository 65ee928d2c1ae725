package com.motioness.edge.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends an HTTP/2 connection that carries no stream for the request timeout ({@code --header-timeout}),
 * as HTTP/1 ends an idle keep-alive connection: GOAWAY, then the close. A connection with an open
 * stream (an SSE stream lasts up to its cap) is never idle. Netty's connection listener, on the
 * connection's loop; one timer per idle spell, never per frame.
 */
final class Http2IdleTimeout extends Http2ConnectionAdapter {
    private final Channel connection;
    private final long timeoutNanos;
    private int activeStreams;
    private ScheduledFuture<?> timer;

    Http2IdleTimeout(Channel connection, long timeoutNanos) {
        this.connection = connection;
        this.timeoutNanos = timeoutNanos;
    }

    /** The connection starts idle: a client that sends the preface and nothing more is ended too. */
    void start() {
        arm();
    }

    @Override
    public void onStreamActive(Http2Stream stream) {
        activeStreams++;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void onStreamClosed(Http2Stream stream) {
        if (--activeStreams == 0) {
            arm();
        }
    }

    private void arm() {
        if (timer != null) {
            timer.cancel(false);
        }
        timer = connection
                .eventLoop()
                .schedule(
                        () -> {
                            timer = null;
                            if (activeStreams == 0) {
                                // Netty's codec sends GOAWAY (NO_ERROR) before it closes.
                                connection.close();
                            }
                        },
                        timeoutNanos,
                        TimeUnit.NANOSECONDS);
    }
}
