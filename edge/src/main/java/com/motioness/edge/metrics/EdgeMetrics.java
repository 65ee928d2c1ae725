package com.motioness.edge.metrics;

import com.motioness.edge.fanout.EndReason;
import com.motioness.edge.fanout.FanoutDispatcher;
import com.motioness.edge.fanout.LoopCounters;
import com.motioness.edge.fanout.LoopFanout;
import com.motioness.edge.fanout.StreamRoute;
import com.motioness.edge.limits.ConnectionLimit;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The metrics of one edge node, in a registry of its own (two nodes in one JVM, as in tests, do
 * not mix). Everything counted on the delivery path lives in plain loop-owned fields
 * ({@link LoopCounters}) and the dispatcher's own field, and is read here by callback metrics at
 * scrape time, summed over loops: see {@link LoopCounters} for why a racy read is fine. Rare
 * request outcomes use the client's counters ({@link RequestCounters}).
 */
public final class EdgeMetrics {
    /** The Content-Type of {@link #writeText}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final List<LoopFanout> loops;
    private final RequestCounters requests;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /**
     * @param ringOccupancy events published to the ring and not yet consumed
     * @param redisLagMillis per shard, how far each firehose reader is behind; null without Redis
     * @param draining whether the node is draining
     */
    public EdgeMetrics(
            List<LoopFanout> loops,
            FanoutDispatcher dispatcher,
            LongSupplier ringOccupancy,
            int ringCapacity,
            Supplier<long[]> redisLagMillis,
            BooleanSupplier draining) {
        this.loops = List.copyOf(loops);
        this.requests = new RequestCounters(registry);

        GaugeWithCallback.builder()
                .name("motioness_streams_open")
                .help("Open streams (200 answered, not yet closed), by route")
                .labelNames("route")
                .callback(callback -> {
                    for (StreamRoute route : StreamRoute.values()) {
                        long closed = 0;
                        for (EndReason reason : EndReason.values()) {
                            closed += sum(c -> c.closed(route, reason));
                        }
                        callback.call(Math.max(0, sum(c -> c.opened(route)) - closed), route.label());
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("motioness_streams_opened")
                .help("Streams opened (200 answered), by route")
                .labelNames("route")
                .callback(callback -> {
                    for (StreamRoute route : StreamRoute.values()) {
                        callback.call(sum(c -> c.opened(route)), route.label());
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("motioness_streams_closed")
                .help("Opened streams that ended, by route and reason")
                .labelNames("route", "reason")
                .callback(callback -> {
                    for (StreamRoute route : StreamRoute.values()) {
                        for (EndReason reason : EndReason.values()) {
                            callback.call(sum(c -> c.closed(route, reason)), route.label(), reason.label());
                        }
                    }
                })
                .register(registry);
        counter(
                "motioness_events_in",
                "Events taken off the ring (appended here or read from Redis)",
                dispatcher::eventsIn);
        counter(
                "motioness_frames_out",
                "Event frames written to streams, live and replayed",
                () -> sum(LoopCounters::eventFrames));
        counter(
                "motioness_bytes_out",
                "SSE body bytes written to streams (events and pings, chunk framing included)",
                () -> sum(LoopCounters::bytes));
        counter("motioness_pings", "Heartbeat comments written", () -> sum(LoopCounters::pings));
        counter("motioness_replays", "Streams that replayed history from the log", () -> sum(LoopCounters::replays));
        counter(
                "motioness_replayed_events",
                "Event frames written from the log during replays",
                () -> sum(LoopCounters::replayedEvents));
        counter(
                "motioness_cursors_ahead",
                "Streams whose cursor was past the stream's end (a clock step, another "
                        + "deployment), resumed from the end",
                () -> sum(LoopCounters::cursorsAhead));
        gauge("motioness_ring_occupancy", "Events in the ring not yet consumed by the dispatcher", ringOccupancy);
        gauge("motioness_ring_capacity", "Slots of the ring", () -> ringCapacity);
        gauge("motioness_draining", "1 while the node drains (SIGTERM), else 0", () -> draining.getAsBoolean() ? 1 : 0);
        if (redisLagMillis != null) {
            GaugeWithCallback.builder()
                    .name("motioness_redis_reader_lag_milliseconds")
                    .help("How far each shard's firehose reader is behind the head of its firehose; 0 when caught up")
                    .labelNames("shard")
                    .callback(callback -> {
                        long[] lag = redisLagMillis.get();
                        for (int shard = 0; shard < lag.length; shard++) {
                            callback.call(lag[shard], Integer.toString(shard));
                        }
                    })
                    .register(registry);
        }
        registry.register(new LatencyHistogram(loops));
    }

    private void counter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsLong()))
                .register(registry);
    }

    private void gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsLong()))
                .register(registry);
    }

    private long sum(ToLongFunction<LoopCounters> field) {
        long total = 0;
        for (LoopFanout loop : loops) {
            total += field.applyAsLong(loop.counters());
        }
        return total;
    }

    /** Open and refused client connections against {@code limit}. */
    public void connections(ConnectionLimit limit) {
        GaugeWithCallback.builder()
                .name("motioness_connections_open")
                .help("Client connections open, streams and other requests")
                .callback(callback -> callback.call(limit.open()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("motioness_connections_max")
                .help("The most client connections this process keeps open (--max-connections)")
                .callback(callback -> callback.call(limit.max()))
                .register(registry);
        CounterWithCallback.builder()
                .name("motioness_connections_refused")
                .help("Client connections reset at once because --max-connections were open")
                .callback(callback -> callback.call(limit.refused()))
                .register(registry);
    }

    /** Entries read from the log that were skipped because their JSON did not give the routing fields. */
    public void undecodable(LongSupplier skipped) {
        counter("motioness_events_undecodable", "Events skipped because their JSON did not decode", skipped);
    }

    /** How many times the log's history was found lost (Redis restarted empty or replaced). */
    public void historyLost(LongSupplier losses) {
        counter(
                "motioness_log_history_lost",
                "Times the log's history was found lost (Redis restarted without"
                        + " persistence, emptied or replaced): replays from older cursors are marked truncated",
                losses);
    }

    /** The counters of the request handler. */
    public RequestCounters requests() {
        return requests;
    }

    /** The registry, for anything else a node wants to expose. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Scrapes every metric and writes it in the Prometheus text format (version 0.0.4). */
    public void writeText(OutputStream out) throws IOException {
        writer.write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.DEFAULT);
    }
}
