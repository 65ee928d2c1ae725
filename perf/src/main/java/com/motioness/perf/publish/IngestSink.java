package com.motioness.perf.publish;

import java.io.ByteArrayOutputStream;
import java.util.List;

/** The edge's own {@code POST /internal/events}: one JSON array per batch, all or nothing. */
public final class IngestSink extends PostingSink {
    private final String path;

    /** @param path the ingest path, e.g. {@code /internal/events} */
    public IngestSink(String host, int port, String path, String token) throws InterruptedException {
        // One connection: a batch holds events of many assets, and each asset's events must reach the
        // log in order, so batches must not overtake each other. At most 64 unanswered: the edge
        // cuts a connection that pipelines more than 128 requests.
        super(new HttpPoster(host, port, 1, 64, "Bearer " + token));
        this.path = path;
    }

    @Override
    public int maxBatch() {
        return 500;
    }

    @Override
    public void send(List<PerfEvent> events) throws InterruptedException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(events.size() * 200);
        body.write('[');
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.writeBytes(events.get(i).json());
        }
        body.write(']');
        poster.post(0, path, "application/json", body.toByteArray(), events.size());
    }
}
