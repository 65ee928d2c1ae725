package com.motioness.perf.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What the receiver saw: every POST, its verdict and answer, attempts per {@code webhook-id},
 * duplicates (an id accepted again after a 2xx: the dispatcher sent it twice), and the latency
 * from the event's log id (its ingest time) to its first acceptance. One lock: a thousand
 * deliveries a second cost nothing next to it.
 */
final class DeliveryLedger {
    private static final long MAX_MICROS = 3_600_000_000L;
    private static final JsonFactory JSON = new JsonFactory();

    /** Per endpoint path. */
    private static final class EndpointTally {
        long received;
        long accepted;
        long duplicates;
        long failed;
        long hung;
        long closed;
        long badSignatures;
    }

    /** Per webhook-id: attempts that passed the signature check, and 2xx answers given. */
    private static final class MessageTally {
        int attempts;
        int accepted;
    }

    private final Histogram latencyMicros = new Histogram(MAX_MICROS, 3);
    private final Histogram intendedLatencyMicros = new Histogram(MAX_MICROS, 3);
    private final Map<String, MessageTally> messages = new HashMap<>();
    private final Map<String, EndpointTally> endpoints = new TreeMap<>();
    private long received;
    private long badSignatures;
    private long staleTimestamps;
    private long unknownEndpoints;
    private long unreadableBodies;
    private long duplicates;

    synchronized void received(String path) {
        received++;
        endpoints.computeIfAbsent(path, p -> new EndpointTally()).received++;
    }

    synchronized void refused(String path, SignatureVerifier.Verdict verdict) {
        switch (verdict) {
            case UNKNOWN_ENDPOINT -> unknownEndpoints++;
            case STALE_TIMESTAMP -> staleTimestamps++;
            default -> badSignatures++;
        }
        endpoints.computeIfAbsent(path, p -> new EndpointTally()).badSignatures++;
    }

    /** A verified attempt at message {@code id}, whatever the answer will be. */
    synchronized void attempted(String id) {
        messages.computeIfAbsent(id, i -> new MessageTally()).attempts++;
    }

    /** The answer given to a verified attempt other than a 2xx. */
    synchronized void answered(String path, EndpointMode.Kind kind) {
        EndpointTally tally = endpoints.computeIfAbsent(path, p -> new EndpointTally());
        switch (kind) {
            case FAIL -> tally.failed++;
            case HANG -> tally.hung++;
            case CLOSE -> tally.closed++;
            default -> throw new IllegalArgumentException("accepted() records a 2xx");
        }
    }

    /**
     * A 2xx given to message {@code id}; the first one records its latencies.
     *
     * @param eventMs the event id's milliseconds (its ingest time), or -1 if the body had none
     * @param intendedMicros when the load generator meant to publish it, or -1 if unknown
     */
    synchronized void accepted(String path, String id, long eventMs, long intendedMicros, long nowMicros) {
        EndpointTally tally = endpoints.computeIfAbsent(path, p -> new EndpointTally());
        MessageTally message = messages.computeIfAbsent(id, i -> new MessageTally());
        message.accepted++;
        if (message.accepted > 1) {
            duplicates++;
            tally.duplicates++;
            return;
        }
        tally.accepted++;
        if (eventMs >= 0) {
            latencyMicros.recordValue(clamp(nowMicros - eventMs * 1000));
        } else {
            unreadableBodies++;
        }
        if (intendedMicros >= 0) {
            intendedLatencyMicros.recordValue(clamp(nowMicros - intendedMicros));
        }
    }

    /** Forgets everything seen: a measured run after a warm-up starts from zero on a warm receiver. */
    synchronized void reset() {
        latencyMicros.reset();
        intendedLatencyMicros.reset();
        messages.clear();
        endpoints.clear();
        received = 0;
        badSignatures = 0;
        staleTimestamps = 0;
        unknownEndpoints = 0;
        unreadableBodies = 0;
        duplicates = 0;
    }

    /** The report as one JSON object. */
    synchronized String reportJson() {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            long unique = 0;
            int maxAttempts = 0;
            Map<Integer, Long> attemptCounts = new TreeMap<>();
            for (MessageTally message : messages.values()) {
                if (message.accepted > 0) {
                    unique++;
                }
                maxAttempts = Math.max(maxAttempts, message.attempts);
                attemptCounts.merge(message.attempts, 1L, Long::sum);
            }
            json.writeStartObject();
            json.writeNumberField("received", received);
            json.writeNumberField("messages", messages.size());
            json.writeNumberField("unique", unique);
            json.writeNumberField("duplicates", duplicates);
            json.writeNumberField("bad_signatures", badSignatures);
            json.writeNumberField("stale_timestamps", staleTimestamps);
            json.writeNumberField("unknown_endpoints", unknownEndpoints);
            json.writeNumberField("bodies_without_id", unreadableBodies);
            json.writeNumberField("attempts_per_message_max", maxAttempts);
            json.writeObjectFieldStart("messages_by_attempts");
            for (Map.Entry<Integer, Long> e : attemptCounts.entrySet()) {
                json.writeNumberField(Integer.toString(e.getKey()), e.getValue());
            }
            json.writeEndObject();
            percentiles(json, "latency_ms", latencyMicros);
            percentiles(json, "latency_from_intended_ms", intendedLatencyMicros);
            json.writeObjectFieldStart("endpoints");
            for (Map.Entry<String, EndpointTally> e : endpoints.entrySet()) {
                EndpointTally t = e.getValue();
                json.writeObjectFieldStart(e.getKey());
                json.writeNumberField("received", t.received);
                json.writeNumberField("accepted", t.accepted);
                json.writeNumberField("duplicates", t.duplicates);
                json.writeNumberField("failed", t.failed);
                json.writeNumberField("hung", t.hung);
                json.writeNumberField("closed", t.closed);
                json.writeNumberField("bad_signatures", t.badSignatures);
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void percentiles(JsonGenerator json, String name, Histogram micros) throws IOException {
        json.writeObjectFieldStart(name);
        json.writeNumberField("count", micros.getTotalCount());
        json.writeNumberField("p50", ms(micros.getValueAtPercentile(50)));
        json.writeNumberField("p90", ms(micros.getValueAtPercentile(90)));
        json.writeNumberField("p99", ms(micros.getValueAtPercentile(99)));
        json.writeNumberField("p999", ms(micros.getValueAtPercentile(99.9)));
        json.writeNumberField("max", ms(micros.getMaxValue()));
        json.writeEndObject();
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    private static long clamp(long micros) {
        return Math.max(0, Math.min(micros, MAX_MICROS));
    }
}
