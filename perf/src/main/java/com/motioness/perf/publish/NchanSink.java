package com.motioness.perf.publish;

import java.util.List;

/**
 * Nchan's publisher location: one POST per message to {@code <path>/<asset id>}; the body is the
 * event's JSON, which Nchan sends to subscribers as the {@code data:} line unchanged.
 */
public final class NchanSink extends PostingSink {
    private final String pathPrefix;

    /** @param pathPrefix the publisher location, e.g. {@code /pub} */
    public NchanSink(String host, int port, String pathPrefix) throws InterruptedException {
        super(new HttpPoster(host, port, 4, 256, null));
        this.pathPrefix = pathPrefix;
    }

    @Override
    public int maxBatch() {
        return 1000;
    }

    @Override
    public void send(List<PerfEvent> events) throws InterruptedException {
        for (PerfEvent event : events) {
            // One asset, one connection: its messages stay in order.
            poster.post(
                    event.asset(),
                    pathPrefix + "/" + event.assetId(),
                    "application/json",
                    event.json(),
                    1,
                    event.intendedMicros());
        }
    }
}
