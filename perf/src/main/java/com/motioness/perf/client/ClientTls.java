package com.motioness.perf.client;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLException;

/**
 * The client side of TLS for streams to an {@code https://} URL: OpenSSL when netty-tcnative
 * loads (as the edge), offering one application protocol, {@code h2} or {@code http/1.1}.
 *
 * <p>The server's certificate is not checked: the harness measures a server on loopback, usually
 * with a certificate made for the run; checking it would only add the same cost to every run.
 * Without {@code resume}, each connection makes a full handshake (the handler knows no peer, so
 * no session is offered again): the worst case, a fleet of clients arriving for the first time.
 */
public final class ClientTls {
    private final SslContext context;
    private final boolean resume;
    private final String host;
    private final int port;

    /** A context for {@code host:port} speaking HTTP/2 or HTTP/1.1. */
    public ClientTls(boolean http2, boolean resume, String host, int port) throws SSLException {
        String protocol = http2 ? ApplicationProtocolNames.HTTP_2 : ApplicationProtocolNames.HTTP_1_1;
        this.context = SslContextBuilder.forClient()
                .sslProvider(SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .protocols("TLSv1.3", "TLSv1.2")
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        protocol))
                .build();
        this.resume = resume;
        this.host = host;
        this.port = port;
    }

    /** A handler for one new connection. */
    SslHandler newHandler(ByteBufAllocator alloc) {
        return resume ? context.newHandler(alloc, host, port) : context.newHandler(alloc);
    }

    /** "openssl" or "jdk", for the report. */
    public String provider() {
        return context instanceof io.netty.handler.ssl.OpenSslContext ? "openssl" : "jdk";
    }
}
