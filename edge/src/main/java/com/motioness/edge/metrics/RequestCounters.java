package com.motioness.edge.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/**
 * Counters of rare request outcomes, touched by the request handler (never per delivery): auth
 * failures by kind and limit rejections by limit. Each label value is resolved once, here, so
 * counting is one {@code inc()} on a cached data point: no label array, no lookup per call.
 */
public final class RequestCounters {
    /** Why a request was refused as unauthenticated or unauthorized. */
    public enum AuthFailure {
        /** 401: the project key in the path is unknown or disabled. */
        UNKNOWN_KEY,
        /** 401: no valid session cookie. */
        NO_SESSION,
        /** 403: a signed-in user who may not read the project. */
        NOT_MEMBER,
        /** 403: an Origin not allowed on the route. */
        ORIGIN,
        /** 401: a missing or wrong ingest bearer token. */
        INGEST_TOKEN;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    /** Which abuse limit refused a stream (429). */
    public enum Limit {
        /** Open streams per project key. */
        KEY,
        /** Open streams per user. */
        USER,
        /** Open streams per client address. */
        ADDRESS,
        /** New streams per client address per second. */
        NEW_STREAMS;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    /** The protocol a client connection or stream speaks. */
    public enum Protocol {
        /** HTTP/1.1 or HTTP/1.0: one stream per connection. */
        HTTP1,
        /** HTTP/2 (h2 over TLS, h2c with prior knowledge): many streams per connection. */
        H2;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    private final CounterDataPoint[] authFailures;
    private final CounterDataPoint[] limitRejections;
    /** Open connections by protocol, then cleartext (0) or TLS (1). */
    private final GaugeDataPoint[] connectionsOpen;

    private final CounterDataPoint[] streamsOpened;

    RequestCounters(PrometheusRegistry registry) {
        Counter auth = Counter.builder()
                .name("motioness_auth_failures")
                .help("Requests refused with 401 or 403, by kind")
                .labelNames("kind")
                .withoutExemplars()
                .register(registry);
        authFailures = new CounterDataPoint[AuthFailure.values().length];
        for (AuthFailure kind : AuthFailure.values()) {
            authFailures[kind.ordinal()] = auth.labelValues(kind.label);
        }
        Counter limits = Counter.builder()
                .name("motioness_limit_rejections")
                .help("Streams refused with 429, by the limit that refused them")
                .labelNames("limit")
                .withoutExemplars()
                .register(registry);
        limitRejections = new CounterDataPoint[Limit.values().length];
        for (Limit limit : Limit.values()) {
            limitRejections[limit.ordinal()] = limits.labelValues(limit.label);
        }
        Gauge connections = Gauge.builder()
                .name("motioness_connections_by_protocol")
                .help("Client connections open, by protocol and whether TLS carries them (all of them:"
                        + " motioness_connections_open)")
                .labelNames("protocol", "tls")
                .withoutExemplars()
                .register(registry);
        Counter streams = Counter.builder()
                .name("motioness_streams_opened_by_protocol")
                .help("Event streams opened, by protocol (an HTTP/2 connection carries many)")
                .labelNames("protocol")
                .withoutExemplars()
                .register(registry);
        connectionsOpen = new GaugeDataPoint[Protocol.values().length * 2];
        streamsOpened = new CounterDataPoint[Protocol.values().length];
        for (Protocol protocol : Protocol.values()) {
            connectionsOpen[protocol.ordinal() * 2] = connections.labelValues(protocol.label, "false");
            connectionsOpen[protocol.ordinal() * 2 + 1] = connections.labelValues(protocol.label, "true");
            streamsOpened[protocol.ordinal()] = streams.labelValues(protocol.label);
        }
    }

    /** Counters that count but are exposed nowhere (servers built without metrics, tests). */
    public static RequestCounters unregistered() {
        return new RequestCounters(new PrometheusRegistry());
    }

    /** Counts one auth failure. */
    public void authFailure(AuthFailure kind) {
        authFailures[kind.ordinal()].inc();
    }

    /** Counts one limit rejection. */
    public void limitRejected(Limit limit) {
        limitRejections[limit.ordinal()].inc();
    }

    /** A connection now speaks {@code protocol}; call {@link #connectionClosed} with the same arguments when it closes. */
    public void connectionOpened(Protocol protocol, boolean tls) {
        connectionsOpen[protocol.ordinal() * 2 + (tls ? 1 : 0)].inc();
    }

    /** A connection counted by {@link #connectionOpened} closed. */
    public void connectionClosed(Protocol protocol, boolean tls) {
        connectionsOpen[protocol.ordinal() * 2 + (tls ? 1 : 0)].dec();
    }

    /** Counts one event stream opened. */
    public void streamOpened(Protocol protocol) {
        streamsOpened[protocol.ordinal()].inc();
    }
}
