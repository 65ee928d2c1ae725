package com.motioness.perf.client;

import com.motioness.perf.MicroClock;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;

/**
 * One logical SSE subscription: it outlives its connections, keeps the last id it saw and
 * reconnects with it as {@code Last-Event-ID}, as an {@code EventSource} would. Confined to one
 * event loop (every connection of the stream is made on it).
 */
final class SseStream {
    final int index;
    /** The asset this stream follows, or -1 for a feed of every asset. */
    final int asset;

    final String path;
    final EventLoop loop;
    final LoopStats stats;
    private final StreamClient client;
    private final DeliveryTally[] tallies;

    private final byte[] lastId = new byte[128];
    private int lastIdLength;
    private Channel channel;
    private boolean opened;
    private boolean ended;
    private boolean everOpened;
    private boolean dropRequested;
    private long droppedAtNanos;

    long connects;
    long reconnects;
    long httpErrors;
    int lastErrorStatus;
    long terminal;
    long foreign;
    long resumeNanos = -1;

    SseStream(StreamClient client, int index, int asset, int assets, String path, EventLoop loop, LoopStats stats) {
        this.client = client;
        this.index = index;
        this.asset = asset;
        this.path = path;
        this.loop = loop;
        this.stats = stats;
        this.tallies = new DeliveryTally[asset < 0 ? assets : 1];
        for (int i = 0; i < tallies.length; i++) {
            tallies[i] = new DeliveryTally();
        }
    }

    private long connectStartNanos;

    /** A connection (or, over HTTP/2, a stream on one) is being asked for. */
    void connecting() {
        connects++;
        connectStartNanos = System.nanoTime();
    }

    /** The channel this stream now reads from: its connection, or its HTTP/2 stream channel. */
    void attach(Channel channel) {
        this.channel = channel;
    }

    void onOpen() {
        opened = true;
        if (!everOpened) {
            everOpened = true;
            long micros = (System.nanoTime() - connectStartNanos) / 1000;
            stats.openLatency.recordValue(Math.max(1, Math.min(micros, 3_600_000_000L)));
            client.streamOpened(this);
        } else if (droppedAtNanos != 0) {
            resumeNanos = System.nanoTime() - droppedAtNanos;
            droppedAtNanos = 0;
            client.streamResumed(this);
        }
    }

    void onStatus(int status) {
        if (status == 204) {
            terminal++;
            ended = true;
        } else {
            httpErrors++;
            lastErrorStatus = status;
            ended = !client.retryErrors();
        }
        if (!everOpened) {
            everOpened = true;
            client.streamFailed(this);
        }
    }

    void onEvent(int eventAsset, long seq, long stampMicros) {
        if (seq == 0) {
            return;
        }
        DeliveryTally tally;
        if (asset < 0) {
            if (eventAsset >= tallies.length) {
                foreign++;
                return;
            }
            tally = tallies[eventAsset];
        } else if (eventAsset != asset) {
            foreign++;
            return;
        } else {
            tally = tallies[0];
        }
        if (tally.record(seq)) {
            long latency = MicroClock.nowMicros() - stampMicros;
            stats.latency.recordValue(Math.max(1, Math.min(latency, 3_600_000_000L)));
        }
    }

    void onComment() {
        stats.comments++;
    }

    void setLastId(byte[] bytes, int from, int length) {
        int n = Math.min(length, lastId.length);
        System.arraycopy(bytes, from, lastId, 0, n);
        lastIdLength = n;
    }

    void onEndOfBody() {
        opened = false;
    }

    void onError() {
        client.connectionError(this);
    }

    void onClosed(Channel closed) {
        if (closed != channel) {
            return;
        }
        channel = null;
        opened = false;
        if (!everOpened) {
            everOpened = true;
            client.streamFailed(this);
            return;
        }
        if (ended || client.stopping()) {
            return;
        }
        reconnects++;
        client.reconnect(this, dropRequested ? 0 : client.reconnectDelayMillis());
        dropRequested = false;
    }

    void onConnectFailed(Channel failed) {
        if (failed != channel) {
            return;
        }
        channel = null;
        if (!everOpened) {
            everOpened = true;
            client.streamFailed(this);
        } else if (!ended && !client.stopping()) {
            reconnects++;
            client.reconnect(this, Math.max(StreamClient.MIN_RETRY_MILLIS, client.reconnectDelayMillis()));
        }
    }

    /**
     * Closes the connection as a network failure would (over HTTP/2, the whole connection and
     * every stream on it); the stream comes back with its cursor.
     */
    void drop() {
        if (channel != null && !ended) {
            dropRequested = true;
            droppedAtNanos = System.nanoTime();
            (channel.parent() != null ? channel.parent() : channel).close();
        }
    }

    void close() {
        ended = true;
        if (channel != null) {
            channel.close();
        }
    }

    boolean isOpen() {
        return opened;
    }

    /** The {@code Last-Event-ID} to send, or null before the first id. */
    String lastEventId() {
        return lastIdLength == 0 ? null : new String(lastId, 0, lastIdLength, StandardCharsets.US_ASCII);
    }

    void addTo(StreamTotals totals, long[] publishedPerAsset) {
        totals.streams++;
        totals.connects += connects;
        totals.reconnects += reconnects;
        totals.httpErrors += httpErrors;
        if (httpErrors > 0) {
            totals.errorStatuses.merge(lastErrorStatus, 1L, Long::sum);
        }
        totals.terminal += terminal;
        totals.foreign += foreign;
        if (resumeNanos >= 0) {
            totals.resumed++;
            totals.maxResumeNanos = Math.max(totals.maxResumeNanos, resumeNanos);
        }
        for (int i = 0; i < tallies.length; i++) {
            DeliveryTally tally = tallies[i];
            long expected = publishedPerAsset[asset < 0 ? i : asset];
            totals.delivered += tally.unique();
            totals.duplicated += tally.duplicated();
            totals.outOfOrder += tally.outOfOrder();
            totals.lost += Math.max(0, expected - tally.unique());
        }
    }

    long delivered() {
        long sum = 0;
        for (DeliveryTally tally : tallies) {
            sum += tally.unique();
        }
        return sum;
    }
}
