package com.motioness.edge.http;

import com.motioness.edge.limits.ConnectionLimit;
import com.motioness.edge.metrics.RequestCounters.Protocol;
import com.motioness.edge.tls.ServerTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AttributeKey;

/**
 * The pipeline of every client connection, built by hand for this job: Netty's request decoder
 * (bounded request line and headers, strict about the version and what comes before a request
 * line), the HTTP/1 connection ({@link Http1Connection}) and the {@link RequestRouter}. There is no
 * response encoder: the edge writes response heads itself and streams pre-framed chunks to the
 * socket. The ingest route adds its aggregator behind the router; a stream leaves its
 * {@link StreamHandler} alone.
 *
 * <p>With HTTP/2 on ({@code --h2-max-streams} above 0), the decoder of a cleartext connection
 * reads its first bytes for {@link PriorKnowledge}: the HTTP/2 preface turns it into an
 * HTTP/2 connection ({@link #addHttp2Handlers}), whose every stream gets the HTTP/1 handlers on its
 * own channel ({@link Http2StreamInitializer}).
 *
 * <p>With TLS ({@code --tls-cert}), the connection starts with the {@code SslHandler} of the
 * certificate current when it was accepted, the handshake counter, and {@link AlpnProtocolSwitch},
 * which adds the HTTP/1 handlers above, or the HTTP/2 ones for {@code h2}, once the handshake is
 * done.
 */
public final class EdgeChannelInitializer extends ChannelInitializer<SocketChannel> {
    /**
     * Set to true on every connection accepted on the TLS port, before its first byte: the
     * per-protocol metrics tell TLS connections from cleartext ones by it.
     */
    public static final AttributeKey<Boolean> TLS = AttributeKey.valueOf(EdgeChannelInitializer.class, "TLS");

    private final EdgeServices services;
    private final ServerTls tls;
    private final HttpDecoderConfig decoderConfig;
    private final ConnectionLimit connections;
    private final ConnectionCloseListeners closeListeners;
    private final PriorKnowledge priorKnowledge;

    /**
     * @param maxRequestLine longest request line accepted; longer ones get 431
     * @param maxHeaderSize largest header block accepted; larger ones get 431
     * @param connections how many connections may be open; one past it is reset
     * @param tls TLS on this listener, or null for cleartext
     */
    public EdgeChannelInitializer(
            EdgeServices services, int maxRequestLine, int maxHeaderSize, ConnectionLimit connections, ServerTls tls) {
        this.services = services;
        this.tls = tls;
        this.connections = connections;
        this.closeListeners = new ConnectionCloseListeners(connections, services.counters);
        this.priorKnowledge = new PriorKnowledge(services, closeListeners);
        this.decoderConfig = decoderConfig(maxRequestLine, maxHeaderSize);
    }

    /** The request decoder's bounds: longer request lines and larger header blocks get 431. */
    static HttpDecoderConfig decoderConfig(int maxRequestLine, int maxHeaderSize) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(maxRequestLine)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(64 * 1024);
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (!connections.tryOpen()) {
            // A reset, not an HTTP error: EventSource retries after a network error, but gives up
            // for good on any status but 200 (and a 503 would cost more than the reset).
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
            return;
        }
        closeListeners.opened(channel);
        if (tls != null) {
            channel.attr(TLS).set(Boolean.TRUE);
            channel.pipeline()
                    .addLast("tls", tls.newHandler(channel.alloc()))
                    .addLast("tls-handshake", tls.handshakeHandler())
                    .addLast("alpn", new AlpnProtocolSwitch(decoderConfig, services, closeListeners));
            return;
        }
        if (services.h2MaxStreams > 0) {
            addRequestHandlers(channel.pipeline(), decoderConfig, services, priorKnowledge, false);
        } else {
            addRequestHandlers(channel.pipeline(), decoderConfig, services);
            countConnection(channel, Protocol.HTTP1, closeListeners);
        }
    }

    /**
     * Installs everything an HTTP/2 connection needs, at the end of {@code pipeline}: after the
     * cleartext preface detection, or after TLS whose ALPN chose {@code h2}. Netty's frame codec
     * (its flood protections set here), the multiplexer that gives each stream a channel of its own
     * with the HTTP/1 handlers ({@link Http2StreamInitializer}), and the connection's errors; a
     * connection without a stream for {@code --header-timeout} ends ({@link Http2IdleTimeout}).
     */
    static void addHttp2Handlers(
            ChannelPipeline pipeline, EdgeServices services, ConnectionCloseListeners closeListeners) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(services.h2MaxStreams)
                // As --max-header-size bounds an HTTP/1 header block; Netty answers a larger one 431
                // and resets its stream, and ends the connection past 1.25 times it (GOAWAY).
                .maxHeaderListSize(services.maxHeaderSize);
        Http2FrameCodec codec = new EdgeHttp2CodecBuilder()
                .initialSettings(settings)
                .validateHeaders(true)
                // Drained, the connection sends GOAWAY and closes once its last stream has ended;
                // every stream ends by its cap (--max-stream-duration), so the wait is bounded.
                .gracefulShutdownTimeoutMillis(-1)
                // Netty's protections, at their documented values, written out so that they stay:
                // rapid reset (CVE-2023-44487): 200 RST_STREAM per 30 s, then GOAWAY;
                .decoderEnforceMaxRstFramesPerWindow(200, 30)
                // SETTINGS and PING floods whose ACKs the client never reads: 10,000 queued, then GOAWAY;
                .encoderEnforceMaxQueuedControlFrames(10_000)
                // empty DATA frames (CVE-2019-9518);
                .decoderEnforceMaxConsecutiveEmptyDataFrames(2)
                // a CONTINUATION flood of tiny frames (CVE-2024-27316 and kin).
                .decoderEnforceMaxSmallContinuationFrames(16)
                .build();
        pipeline.addLast("h2", codec)
                .addLast("h2-streams", new Http2MultiplexHandler(new Http2StreamInitializer(services)))
                .addLast("h2-errors", Http2ConnectionErrors.INSTANCE);
        Channel channel = pipeline.channel();
        Http2IdleTimeout idle = new Http2IdleTimeout(channel, services.requestTimeoutNanos);
        codec.connection().addListener(idle);
        idle.start();
        countConnection(channel, Protocol.H2, closeListeners);
        services.http2Connections.add(channel);
    }

    /** Counts a connection by its protocol (and TLS) while it is open. */
    static void countConnection(Channel channel, Protocol protocol, ConnectionCloseListeners closeListeners) {
        // hasAttr first: attr() on a cleartext connection would add the attribute just to read it.
        boolean tls =
                channel.hasAttr(TLS) && Boolean.TRUE.equals(channel.attr(TLS).get());
        closeListeners.counted(channel, protocol, tls);
    }

    /** Adds the handlers that read and answer HTTP/1 requests; returns the connection's {@link Http1Connection}. */
    static Http1Connection addRequestHandlers(
            ChannelPipeline pipeline, HttpDecoderConfig decoderConfig, EdgeServices services) {
        return addRequestHandlers(pipeline, decoderConfig, services, null, false);
    }

    /**
     * The HTTP/1 handlers: the decoder (telling HTTP/2 with prior knowledge from HTTP/1 by {@code
     * priorKnowledge}, if not null), the connection and the router, which serves ingest alone on the
     * ingest listener ({@code ingestOnly}).
     */
    static Http1Connection addRequestHandlers(
            ChannelPipeline pipeline,
            HttpDecoderConfig decoderConfig,
            EdgeServices services,
            PriorKnowledge priorKnowledge,
            boolean ingestOnly) {
        Http1Connection connection = new Http1Connection(services.requestTimeouts);
        pipeline.addLast("http-decoder", new StrictRequestDecoder(decoderConfig, priorKnowledge))
                .addLast("http1", connection)
                .addLast("router", new RequestRouter(services, connection, ingestOnly));
        return connection;
    }
}
