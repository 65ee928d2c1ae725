package com.motioness.edge.http;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What ingest needs to end cleanly when the node closes: the appends on their way to the event
 * log, counted, and the connections that sent ingest requests.
 *
 * <p>Once {@link #close() closed} no append starts (the request is answered 503, nothing stored),
 * and {@link #close()} completes when the last one that did start has been answered. Only then may
 * the server close these connections and the log: an append is never issued to a closed log, and
 * one that was issued is never cut off from its answer (a 503 for events that were stored would
 * make the producer send them twice).
 *
 * <p>One atomic operation per append and one set entry per producer connection: ingest, not the
 * delivery path.
 */
final class IngestGate {
    /** Fired at each tracked connection by {@link #closeConnections()}. */
    static final Object CLOSE_CONNECTION = new Object() {
        @Override
        public String toString() {
            return "IngestGate.CLOSE_CONNECTION";
        }
    };
    /** The closed flag, above any count of appends. */
    private static final long CLOSED = 1L << 62;

    /** Appends started and not yet answered, plus {@link #CLOSED} once closed. */
    private final AtomicLong state = new AtomicLong();

    private final CompletableFuture<Void> idle = new CompletableFuture<>();
    private final ChannelGroup connections = new DefaultChannelGroup("ingest", ImmediateEventExecutor.INSTANCE);

    /** Remembers a connection that sent an ingest request, until it closes. */
    void track(Channel channel) {
        connections.add(channel);
    }

    /**
     * Counts an append about to be issued; each {@code true} must be followed by the append, and
     * {@link #answered()} once its answer was written (or its connection was found closed).
     *
     * @return false once closed: the caller issues nothing and answers 503
     */
    boolean tryStart() {
        long current;
        do {
            current = state.get();
            if (current >= CLOSED) {
                return false;
            }
        } while (!state.compareAndSet(current, current + 1));
        return true;
    }

    /**
     * Counts out an append counted by {@link #tryStart()}, on its connection's loop, after its
     * answer was written: so that when {@link #close()} completes every answer has been written.
     */
    void answered() {
        if (state.decrementAndGet() == CLOSED) {
            idle.complete(null);
        }
    }

    /** Appends started and not yet answered. */
    int inFlight() {
        return (int) (state.get() & (CLOSED - 1));
    }

    /**
     * Refuses every append from now on. Idempotent.
     *
     * @return completes when the last append started before has been answered
     */
    CompletableFuture<Void> close() {
        long current;
        do {
            current = state.get();
            if (current >= CLOSED) {
                return idle;
            }
        } while (!state.compareAndSet(current, current | CLOSED));
        if (current == 0) {
            idle.complete(null);
        }
        return idle;
    }

    /**
     * Asks each tracked connection, on its loop, to finish: what it was answered is flushed, then
     * it closes (see {@link Http1Connection}'s handling of {@link #CLOSE_CONNECTION}).
     *
     * @return completes when all of them are closed
     */
    CompletableFuture<Void> closeConnections() {
        List<CompletableFuture<Void>> closed = new ArrayList<>();
        for (Channel channel : connections) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            channel.closeFuture().addListener(future -> done.complete(null));
            closed.add(done);
            channel.pipeline().fireUserEventTriggered(CLOSE_CONNECTION);
        }
        return CompletableFuture.allOf(closed.toArray(new CompletableFuture<?>[0]));
    }

    /** Closes the tracked connections that are still open, at once. */
    void abortConnections() {
        connections.close();
    }
}
