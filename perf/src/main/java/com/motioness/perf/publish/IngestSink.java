package com.motioness.perf.publish;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge's own {@code POST /internal/events}: one JSON array per batch, all or nothing, over one
 * connection or several. Each asset is pinned to one connection ({@code asset mod connections}):
 * its events must reach the log in order, so its batches must not overtake each other, and only
 * the requests of one connection are answered in order.
 */
public final class IngestSink extends PostingSink {
    /**
     * Unanswered requests per connection at most: the edge cuts a connection that pipelines more
     * than 128.
     */
    private static final int MAX_UNANSWERED_PER_CONNECTION = 64;

    private final String path;
    private final int connections;

    /** One connection. @param path the ingest path, e.g. {@code /internal/events} */
    public IngestSink(String host, int port, String path, String token) throws InterruptedException {
        this(host, port, path, token, 1);
    }

    /** @param connections connections to spread the assets over; each batch splits by connection */
    public IngestSink(String host, int port, String path, String token, int connections) throws InterruptedException {
        super(new HttpPoster(host, port, connections, MAX_UNANSWERED_PER_CONNECTION * connections, "Bearer " + token));
        this.path = path;
        this.connections = connections;
    }

    @Override
    public int maxBatch() {
        return 500;
    }

    @Override
    public void send(List<PerfEvent> events) throws InterruptedException {
        if (connections == 1) {
            post(0, events);
            return;
        }
        List<List<PerfEvent>> lanes = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            lanes.add(new ArrayList<>());
        }
        for (PerfEvent event : events) {
            lanes.get(event.asset() % connections).add(event);
        }
        for (int lane = 0; lane < connections; lane++) {
            if (!lanes.get(lane).isEmpty()) {
                post(lane, lanes.get(lane));
            }
        }
    }

    private void post(int lane, List<PerfEvent> events) throws InterruptedException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(events.size() * 200);
        body.write('[');
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.writeBytes(events.get(i).json());
        }
        body.write(']');
        // Events come in schedule order: the first was due first.
        poster.post(
                lane,
                path,
                "application/json",
                body.toByteArray(),
                events.size(),
                events.get(0).intendedMicros());
    }
}
