package com.motioness.edge.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Builds the server {@link SslContext} of the public port from a {@link PemIdentity}: TLS 1.3 and
 * 1.2 only, modern AEAD cipher suites with forward secrecy, session resumption on, ALPN with the
 * server's preference.
 *
 * <p>The OpenSSL provider is {@link SslProvider#OPENSSL}, not {@code OPENSSL_REFCNT}: a context
 * replaced by a reload is then freed by the garbage collector once no connection's engine holds it,
 * so the reload never has to know when the last connection of the old certificate has gone.
 */
final class TlsContexts {
    /**
     * TLS 1.3's three suites, then for TLS 1.2 ECDHE (forward secrecy) with AES-GCM or
     * ChaCha20-Poly1305 (AEAD) only: Mozilla's "intermediate" list without DHE, which every client
     * from the last ten years speaks. Whichever a provider lacks is left out
     * ({@link SupportedCipherSuiteFilter}).
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The protocol versions offered, newest first. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** How long a resumable session (ticket or cache entry) lasts: a day of reconnects. */
    private static final long SESSION_TIMEOUT_SECONDS = 24 * 60 * 60;

    private TlsContexts() {}

    /**
     * A server context for {@code identity}.
     *
     * @param offerHttp2 whether ALPN offers {@code h2} before {@code http/1.1}
     * @throws SSLException the provider refused the identity or the settings
     */
    static SslContext build(PemIdentity identity, SslProvider provider, boolean offerHttp2) throws SSLException {
        SslContext context = SslContextBuilder.forServer(identity.key, identity.chain)
                .sslProvider(provider)
                .protocols(PROTOCOLS)
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(alpn(offerHttp2))
                .sessionTimeout(SESSION_TIMEOUT_SECONDS)
                .build();
        if (context.sessionContext() instanceof OpenSslSessionContext sessions) {
            // Netty turns tickets off on OpenSSL unless asked (SSL_OP_NO_TICKET); no keys of our own
            // leaves BoringSSL's, which it makes at random and rotates itself. A reload starts new
            // keys: a ticket from before it means one full handshake. The JDK issues tickets by
            // itself (jdk.tls.server.enableSessionTicketExtension, on by default since JDK 13).
            sessions.setTicketKeys();
        }
        return context;
    }

    /**
     * ALPN with the server's order: {@code h2} first when offered, else {@code http/1.1} alone. A
     * client that offers neither (or no ALPN at all) gets no ALPN answer and HTTP/1.1, rather than
     * a failed handshake: that is what curl without ALPN and older clients need.
     */
    private static ApplicationProtocolConfig alpn(boolean offerHttp2) {
        return new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                offerHttp2
                        ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                        : List.of(ApplicationProtocolNames.HTTP_1_1));
    }
}
