package com.motioness.edge.tls;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;

/**
 * The TLS metrics of the public port, {@code motioness_tls_*}, in the registry of the node's admin
 * port: handshakes by result, failed ones by a bounded reason ({@link HandshakeFailure}), the
 * protocol and ALPN result of the good ones, reloads, and when the served certificate expires.
 * Counted once per connection or per reload, never per delivery, so the client's own thread-safe
 * counters are used, each label value resolved once here.
 */
final class TlsMetrics {
    private final CounterDataPoint ok;
    private final CounterDataPoint failed;
    private final CounterDataPoint[] failures;
    private final Counter negotiated;
    private final CounterDataPoint reloaded;
    private final CounterDataPoint reloadFailed;

    TlsMetrics(PrometheusRegistry registry, DoubleSupplier certificateExpiry) {
        Counter handshakes = Counter.builder()
                .name("motioness_tls_handshakes")
                .help("TLS handshakes on the public port, by result: ok or failed")
                .labelNames("result")
                .withoutExemplars()
                .register(registry);
        ok = handshakes.labelValues("ok");
        failed = handshakes.labelValues("failed");
        Counter byReason = Counter.builder()
                .name("motioness_tls_handshake_failures")
                .help("Failed TLS handshakes by reason: protocol_version (TLS 1.1 or older), no_shared_cipher, "
                        + "certificate (the client refused ours), alpn, not_tls (cleartext sent to the TLS port), "
                        + "timeout, closed (before the handshake ended), other")
                .labelNames("reason")
                .withoutExemplars()
                .register(registry);
        failures = new CounterDataPoint[HandshakeFailure.values().length];
        for (HandshakeFailure reason : HandshakeFailure.values()) {
            failures[reason.ordinal()] = byReason.labelValues(reason.label);
        }
        negotiated = Counter.builder()
                .name("motioness_tls_negotiated")
                .help("Good TLS handshakes by protocol version and ALPN result (none: the client offered no ALPN)")
                .labelNames("protocol", "alpn")
                .withoutExemplars()
                .register(registry);
        Counter reloads = Counter.builder()
                .name("motioness_tls_reloads")
                .help("Certificate reloads after --tls-cert or --tls-key changed: ok, or failed (the previous "
                        + "certificate is still served; retried at each check)")
                .labelNames("result")
                .withoutExemplars()
                .register(registry);
        reloaded = reloads.labelValues("ok");
        reloadFailed = reloads.labelValues("failed");
        GaugeWithCallback.builder()
                .name("motioness_tls_certificate_expiry_seconds")
                .help("When the certificate served to new connections expires, in seconds since the epoch")
                .callback(callback -> callback.call(certificateExpiry.getAsDouble()))
                .register(registry);
    }

    void handshakeOk(String protocol, String alpn) {
        ok.inc();
        // Bounded: the protocols are the two enabled, the ALPN names the ones offered.
        negotiated.labelValues(protocol, alpn).inc();
    }

    void handshakeFailed(HandshakeFailure reason) {
        failed.inc();
        failures[reason.ordinal()].inc();
    }

    void reloaded() {
        reloaded.inc();
    }

    void reloadFailed() {
        reloadFailed.inc();
    }
}
