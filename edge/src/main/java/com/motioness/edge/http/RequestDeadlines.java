package com.motioness.edge.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * The request timeouts of one event loop's HTTP/1 connections, in one queue with one timer task,
 * instead of a scheduled task per connection: every connection gets the same timeout, so the
 * connections sorted by when their clock started are sorted by deadline too, and arming or
 * cancelling one is a link or unlink at either end of a list. An accept storm would otherwise
 * allocate a task per connection and push it into, then take it out of, the loop's scheduled-task
 * heap. Used on its loop only.
 *
 * <p>The timer runs for the oldest deadline: when it fires it times out every connection whose
 * deadline has passed and runs again for the next one. A connection cancelled meanwhile leaves it
 * running, and it then fires for nothing once.
 */
final class RequestDeadlines implements Runnable {
    private final EventExecutor loop;
    private final Ticker clock;
    private final long timeoutNanos;
    private Http1Connection oldest;
    private Http1Connection newest;
    private boolean timerRunning;

    RequestDeadlines(EventExecutor loop, long timeoutNanos) {
        this.loop = loop;
        this.clock = loop.ticker();
        this.timeoutNanos = timeoutNanos;
    }

    /** The loop whose connections these are. */
    EventExecutor loop() {
        return loop;
    }

    /** Starts {@code connection}'s clock again: it must have sent its request within the timeout from now. */
    void arm(Http1Connection connection) {
        cancel(connection);
        connection.deadline = clock.nanoTime() + timeoutNanos;
        connection.timed = true;
        connection.earlier = newest;
        if (newest == null) {
            oldest = connection;
        } else {
            newest.later = connection;
        }
        newest = connection;
        if (!timerRunning) {
            startTimer(timeoutNanos);
        }
    }

    /** Stops {@code connection}'s clock, if it runs. */
    void cancel(Http1Connection connection) {
        if (!connection.timed) {
            return;
        }
        Http1Connection earlier = connection.earlier;
        Http1Connection later = connection.later;
        if (earlier == null) {
            oldest = later;
        } else {
            earlier.later = later;
        }
        if (later == null) {
            newest = earlier;
        } else {
            later.earlier = earlier;
        }
        connection.earlier = null;
        connection.later = null;
        connection.timed = false;
    }

    @Override
    public void run() {
        timerRunning = false;
        long now = clock.nanoTime();
        Http1Connection connection;
        while ((connection = oldest) != null && connection.deadline - now <= 0) {
            cancel(connection);
            connection.requestTimedOut();
        }
        // A connection timed out may have armed another meanwhile (its own timer then runs).
        if (oldest != null && !timerRunning) {
            startTimer(oldest.deadline - now);
        }
    }

    private void startTimer(long delayNanos) {
        timerRunning = true;
        loop.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }
}
