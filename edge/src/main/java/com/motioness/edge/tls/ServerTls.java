package com.motioness.edge.tls;

import com.motioness.edge.config.TlsSettings;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS on the public port: the server context built from {@code --tls-cert} and {@code --tls-key},
 * and its reload. Each new connection takes the context current when it is accepted
 * ({@link #newHandler}); a thread of its own ({@code motioness-tls-reload}) reads both files every
 * {@code --tls-reload-check} and, when their bytes changed, builds a new context and swaps it in.
 * Open connections keep the context they started with, and their streams go on untouched. A reload
 * that fails (a half-written renewal, a key that does not match) keeps the context in use, logs one
 * warning naming the file, and is tried again at each check until the files are good.
 */
public final class ServerTls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    /** How long a client has to complete its handshake; then the connection is closed (reason {@code timeout}). */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final Path certFile;
    private final Path keyFile;
    private final SslProvider provider;
    private final boolean offerHttp2;
    private final TlsMetrics metrics;
    private final TlsHandshakeHandler handshakes;
    private final ScheduledExecutorService checker;
    private volatile SslContext context;
    private volatile PemIdentity identity;
    /** The reload thread's own: the last failure it warned about, so a failure repeated is not logged again. */
    private String warned;

    private ServerTls(TlsSettings settings, PrometheusRegistry registry, boolean offerHttp2) {
        this.certFile = settings.cert();
        this.keyFile = settings.key();
        this.offerHttp2 = offerHttp2;
        this.provider = provider(settings.provider());
        PemIdentity first = PemIdentity.read(certFile, keyFile);
        this.context = build(first);
        this.identity = first;
        String invalid = first.invalidAt(Instant.now());
        if (invalid != null) {
            // Served anyway: refusing to start would turn a certificate about to be renewed into an
            // outage, and clients refuse it by themselves meanwhile.
            LOG.warn(
                    "tls: {} {}: {}; served anyway until a renewal replaces it, and clients will refuse it",
                    PemIdentity.CERT_FLAG,
                    certFile,
                    invalid);
        }
        this.metrics =
                new TlsMetrics(registry, () -> identity.leaf().getNotAfter().getTime() / 1000.0);
        this.handshakes = new TlsHandshakeHandler(metrics);
        this.checker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "motioness-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.reloadCheck().toMillis();
        checker.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        LOG.info(
                "tls: {} on the public port, TLS 1.3 and 1.2, ALPN {}; {} {} ({}); files checked every {} ms",
                providerName(),
                offerHttp2 ? "h2, http/1.1" : "http/1.1",
                PemIdentity.CERT_FLAG,
                certFile,
                first.describe(),
                every);
    }

    /**
     * Reads the files, builds the context and starts the reload checks.
     *
     * @param registry where the {@code motioness_tls_*} metrics go (the admin port's)
     * @param offerHttp2 whether ALPN offers {@code h2}; the connection's pipeline must handle it then
     * @throws TlsSetupException a file cannot be used, or OpenSSL was asked for and does not load
     */
    public static ServerTls start(TlsSettings settings, PrometheusRegistry registry, boolean offerHttp2) {
        return new ServerTls(settings, registry, offerHttp2);
    }

    /**
     * The TLS handler of a new connection, with the certificate current now; the connection keeps it
     * for its life, whatever reloads follow.
     */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
        return handler;
    }

    /**
     * The handler that goes right behind each connection's {@link SslHandler}: counts the handshake's
     * outcome and closes the connection quietly on a TLS error. One instance for every connection.
     */
    public ChannelHandler handshakeHandler() {
        return handshakes;
    }

    /** {@code OpenSSL (BoringSSL)} or {@code JDK}, as the start log says it. */
    public String providerName() {
        return provider == SslProvider.JDK ? "JDK provider" : "OpenSSL (" + OpenSsl.versionString() + ")";
    }

    /** Stops the reload checks. */
    @Override
    public void close() {
        checker.shutdownNow();
    }

    private static SslProvider provider(TlsSettings.Provider wanted) {
        switch (wanted) {
            case JDK:
                LOG.info("tls: JDK provider (--tls-provider jdk)");
                return SslProvider.JDK;
            case OPENSSL:
                if (!OpenSsl.isAvailable()) {
                    throw new TlsSetupException(
                            "--tls-provider openssl: OpenSSL is not available here: " + OpenSsl.unavailabilityCause(),
                            OpenSsl.unavailabilityCause());
                }
                return SslProvider.OPENSSL;
            default:
                if (OpenSsl.isAvailable()) {
                    return SslProvider.OPENSSL;
                }
                LOG.info("tls: JDK provider, OpenSSL unavailable: {}", String.valueOf(OpenSsl.unavailabilityCause()));
                return SslProvider.JDK;
        }
    }

    private SslContext build(PemIdentity candidate) {
        try {
            return TlsContexts.build(candidate, provider, offerHttp2);
        } catch (SSLException | RuntimeException e) {
            throw TlsSetupException.file(
                    PemIdentity.CERT_FLAG, certFile, "refused by the " + providerName() + ": " + e.getMessage(), e);
        }
    }

    /** One check of the files; on the reload thread. */
    void check() {
        try {
            byte[] now = PemIdentity.fingerprint(certFile, keyFile);
            if (Arrays.equals(now, identity.fingerprint)) {
                if (warned != null) {
                    LOG.info("tls: {} and {} are back to the certificate in use", certFile, keyFile);
                    warned = null;
                }
                return;
            }
            PemIdentity next = PemIdentity.read(certFile, keyFile);
            SslContext built = build(next);
            context = built;
            identity = next;
            warned = null;
            metrics.reloaded();
            String invalid = next.invalidAt(Instant.now());
            LOG.info(
                    "tls: reloaded {}: new connections get {}{}",
                    certFile,
                    next.describe(),
                    invalid == null ? "" : " (" + invalid + ")");
        } catch (TlsSetupException e) {
            failed(e.getMessage(), e);
        } catch (RuntimeException e) {
            failed(certFile + ": " + e, e);
        }
    }

    private void failed(String why, Exception e) {
        metrics.reloadFailed();
        if (!why.equals(warned)) {
            LOG.warn("tls: reload failed, still serving {}: {}; tried again at each check", identity.describe(), why);
            LOG.debug("tls: reload failure", e);
            warned = why;
        }
    }
}
