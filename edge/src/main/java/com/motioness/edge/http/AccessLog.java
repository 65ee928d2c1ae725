package com.motioness.edge.http;

import com.motioness.edge.fanout.Subscription;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per stream when it ends, on the SLF4J logger {@code motioness.access}, as key=value
 * fields: route, project, asset, status, duration_ms, events, bytes, reason, client. Sampled: at
 * a fraction below 1 each stream is logged with that probability, decided when it ends.
 *
 * <p>The line is formatted and handed to the logging backend on the stream's event loop, once per
 * stream (never per event); at high stream churn, sample, or give the backend an asynchronous
 * appender.
 */
final class AccessLog {
    static final String LOGGER = "motioness.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final double sample;

    AccessLog(double sample) {
        this.sample = sample;
    }

    boolean enabled() {
        return sample > 0 && LOG.isInfoEnabled();
    }

    /** Logs the stream that just ended (called from its end hook, on its loop). */
    void streamEnded(Subscription stream, String client) {
        if (!enabled() || (sample < 1 && ThreadLocalRandom.current().nextDouble() >= sample)) {
            return;
        }
        String asset = stream.assetId();
        LOG.info(
                "route={} project={} asset={} status={} duration_ms={} events={} bytes={} reason={} client={}",
                stream.route().label(),
                orDash(stream.projectId()),
                orDash(asset),
                stream.status(),
                stream.durationNanos() / 1_000_000,
                stream.eventsSent(),
                stream.bytesSent(),
                stream.endReason() == null ? "refused" : stream.endReason().label(),
                client);
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }
}
