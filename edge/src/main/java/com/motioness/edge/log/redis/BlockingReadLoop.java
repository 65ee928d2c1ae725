package com.motioness.edge.log.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;

/**
 * A thread of blocking reads from Redis on a connection of its own (a blocked XREAD holds its
 * connection): it connects when it has none and runs one round after another; after a failure it
 * drops the connection and tries again after 50 ms, doubling up to 2 s. {@link #stop} ends a read
 * blocked in Redis at once by closing the connection. The log's firehose readers and the webhook
 * intake each run on one.
 */
public final class BlockingReadLoop implements Runnable {
    /** One read and what follows it, on the loop's thread. */
    @FunctionalInterface
    public interface Round {
        void run(RedisClusterCommands<String, byte[]> redis);
    }

    /** Says what failed, and when the loop tries again. */
    @FunctionalInterface
    public interface Failure {
        void failed(RuntimeException error, long retryInMillis);
    }

    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final RedisBackend backend;
    private final long blockMillis;
    private final Round round;
    private final Failure failure;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile StatefulConnection<String, byte[]> connection;

    /**
     * @param threadName the name of the loop's (daemon) thread
     * @param blockMillis the longest a round blocks in Redis: its connection's command timeout is
     *     5 s more, and {@link #stop} waits a second more
     */
    public BlockingReadLoop(RedisBackend backend, String threadName, long blockMillis, Round round, Failure failure) {
        this.backend = backend;
        this.blockMillis = blockMillis;
        this.round = round;
        this.failure = failure;
        this.thread = new Thread(this, threadName);
        this.thread.setDaemon(true);
    }

    /** Starts the loop's thread. */
    public void start() {
        thread.start();
    }

    /** False once {@link #stop} has begun: a failure then is the stop's, not worth a word. */
    public boolean isRunning() {
        return running;
    }

    @Override
    public void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (running) {
            try {
                StatefulConnection<String, byte[]> current = connection;
                if (current == null) {
                    current = backend.newConnection();
                    current.setTimeout(Duration.ofMillis(blockMillis + 5000));
                    connection = current;
                }
                round.run(RedisBackend.sync(current));
                backoff = FIRST_BACKOFF_MILLIS;
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                failure.failed(e, backoff);
                closeConnection();
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
        }
        closeConnection();
    }

    /** Stops the loop, ending a blocked read at once, and waits for its thread a bounded time. */
    public void stop() {
        running = false;
        closeConnection();
        try {
            thread.join(blockMillis + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeConnection() {
        StatefulConnection<String, byte[]> open = connection;
        connection = null;
        if (open != null) {
            open.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
