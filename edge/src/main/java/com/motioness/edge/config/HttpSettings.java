package com.motioness.edge.config;

import static com.motioness.edge.config.Checks.check;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The listening socket and the requests on it: where it listens, its event loops and transport
 * options, how long and how large a request may be, which origins may call with credentials.
 *
 * @param port {@code --port}
 * @param bind {@code --bind}
 * @param corsOrigins {@code --cors-origin}
 * @param headerTimeout {@code --header-timeout}
 * @param maxRequestLine {@code --max-request-line}
 * @param maxHeaderSize {@code --max-header-size}
 * @param maxIngestBytes {@code --max-ingest-bytes}
 * @param sendBuffer {@code --send-buffer}: SO_SNDBUF of client connections in bytes (Linux keeps twice it); 0
 *     leaves the kernel's autotuning
 * @param ioThreads {@code --io-threads}; 0 means one per core
 * @param reusePort {@code --reuse-port}: several processes may listen on the same port (each event loop
 *     binds it with SO_REUSEPORT either way; this skips the check that no other process listens on it)
 * @param h2MaxStreams {@code --h2-max-streams}: concurrent streams an HTTP/2 connection may open; 0 turns
 *     HTTP/2 off
 * @param ingestPort {@code --ingest-port}: a listener on {@code --bind} serving ingest alone on its own
 *     event loop; 0: any free port; null: none
 */
public record HttpSettings(
        int port,
        String bind,
        Set<String> corsOrigins,
        Duration headerTimeout,
        int maxRequestLine,
        int maxHeaderSize,
        int maxIngestBytes,
        int sendBuffer,
        int ioThreads,
        boolean reusePort,
        int h2MaxStreams,
        Integer ingestPort) {
    /** {@code --port}. */
    public static final Setting<Integer> PORT =
            Setting.integer("--port", "PORT", 8080, "Port to listen on; 0 picks a free one");
    /** {@code --bind}. */
    public static final Setting<String> BIND = Setting.text("--bind", "ADDRESS", "0.0.0.0", "Address to listen on");
    /** {@code --cors-origin}. */
    public static final Setting<Set<String>> CORS_ORIGINS = Setting.list(
            "--cors-origin",
            "ORIGIN",
            ",",
            Set.of(),
            LinkedHashSet::new,
            "An origin allowed to call the session-cookie routes with credentials; repeatable");
    /** {@code --header-timeout}. */
    public static final Setting<Duration> HEADER_TIMEOUT = Setting.duration(
            "--header-timeout", Duration.ofSeconds(10), "Time a client has to send a complete request");
    /** {@code --max-request-line}. */
    public static final Setting<Integer> MAX_REQUEST_LINE =
            Setting.integer("--max-request-line", "BYTES", 4096, "Longest request line; 431 beyond");
    /** {@code --max-header-size}. */
    public static final Setting<Integer> MAX_HEADER_SIZE =
            Setting.integer("--max-header-size", "BYTES", 8192, "Largest header block; 431 beyond");
    /** {@code --max-ingest-bytes}. */
    public static final Setting<Integer> MAX_INGEST_BYTES =
            Setting.size("--max-ingest-bytes", 1024 * 1024, "Largest ingest body; 413 beyond");
    /**
     * {@code --send-buffer}; its default: Linux keeps twice it, 128 KiB a connection, which carries about
     * 10 Mbit/s at a 100 ms round trip, ample for event streams (docs/architecture.md, Backpressure).
     */
    public static final Setting<Integer> SEND_BUFFER = Setting.size(
            "--send-buffer",
            64 * 1024,
            "SO_SNDBUF of client connections (the kernel keeps twice it), so a stalled client holds at most "
                    + "that much kernel memory; 0: the kernel's autotuning");
    /** {@code --io-threads}. */
    public static final Setting<Integer> IO_THREADS =
            Setting.integer("--io-threads", "N", 0, "Event loops serving connections; 0 = one per core");
    /** {@code --reuse-port}. */
    public static final Setting<Boolean> REUSE_PORT = Setting.toggle(
            "--reuse-port",
            "Let several edge processes share one port (epoll transport only; the kernel spreads new connections "
                    + "over their event loops); without it a port another process listens on is refused");
    /**
     * {@code --h2-max-streams}; its default, 100, is the least RFC 9113 (section 6.5.2) advises and what
     * browsers expect of a server: enough for a dashboard's activity feed and its asset cards on one
     * connection. Streams still count one by one against the per-key, per-user and per-address limits.
     */
    public static final Setting<Integer> H2_MAX_STREAMS = Setting.integer(
            "--h2-max-streams",
            "N",
            100,
            "Concurrent streams one HTTP/2 connection may open (SETTINGS_MAX_CONCURRENT_STREAMS);"
                    + " 0 turns HTTP/2 off");
    /**
     * {@code --ingest-port}; null unless given: none. Ingest on the public port shares the event loops
     * with the fan-out, which may run its tasks for up to Netty's task quantum (1 s by default, 100 ms
     * at least) before reading a socket: a producer's request then waits behind the fan-out of its
     * earlier events (docs/perf.md, issue 15).
     */
    public static final Setting<Integer> INGEST_PORT = Setting.of(
            "--ingest-port",
            "PORT",
            Integer.class,
            null,
            null,
            "none",
            "A second listener serving only POST /internal/events, on an event loop of its own, so ingest is "
                    + "answered while the fan-out keeps the others busy; 0 picks a free one");
    /** Every setting of this concern, in the order of {@code --help}. */
    public static final List<Setting<?>> SETTINGS = List.of(
            PORT,
            BIND,
            CORS_ORIGINS,
            HEADER_TIMEOUT,
            MAX_REQUEST_LINE,
            MAX_HEADER_SIZE,
            MAX_INGEST_BYTES,
            SEND_BUFFER,
            IO_THREADS,
            REUSE_PORT,
            H2_MAX_STREAMS,
            INGEST_PORT);

    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?");

    /**
     * Validates every value.
     *
     * @throws IllegalArgumentException naming the flag of the first invalid one
     */
    public HttpSettings {
        PORT.range(port, 0, 65_535);
        check(bind != null && !bind.isBlank(), "--bind must name an address");
        corsOrigins = Set.copyOf(corsOrigins);
        corsOrigins.forEach(origin -> check(
                ORIGIN.matcher(origin).matches(),
                "--cors-origin must be scheme://host[:port] with no path, got \"" + origin + "\""));
        // Browsers send Origin in lower case and without a default port: anything else never matches.
        corsOrigins.forEach(origin -> check(
                origin.equals(origin.toLowerCase(Locale.ROOT)) && !origin.matches("https://.*:443|http://.*:80"),
                "--cors-origin must be lower case without a default port, as browsers send it, got \"" + origin
                        + "\""));
        HEADER_TIMEOUT.positive(headerTimeout);
        MAX_REQUEST_LINE.range(maxRequestLine, 256, 65_536);
        MAX_HEADER_SIZE.range(maxHeaderSize, 1024, 1024 * 1024);
        MAX_INGEST_BYTES.range(maxIngestBytes, 1024, 64 * 1024 * 1024);
        check(
                sendBuffer == 0 || sendBuffer >= 4 * 1024 && sendBuffer <= 64 * 1024 * 1024,
                "--send-buffer must be 0 (the kernel's autotuning) or between 4k and 64m, got " + sendBuffer);
        IO_THREADS.range(ioThreads, 0, 1024);
        H2_MAX_STREAMS.range(h2MaxStreams, 0, 10_000);
        if (ingestPort != null) {
            INGEST_PORT.range(ingestPort, 0, 65_535);
            check(ingestPort == 0 || ingestPort != port, "--ingest-port must differ from --port, both are " + port);
        }
    }

    /** Whether the edge speaks HTTP/2: with prior knowledge in cleartext, through ALPN ({@code h2}) over TLS. */
    public boolean http2() {
        return h2MaxStreams > 0;
    }

    static HttpSettings from(SettingValues values) {
        return new HttpSettings(
                values.get(PORT),
                values.get(BIND),
                values.get(CORS_ORIGINS),
                values.get(HEADER_TIMEOUT),
                values.get(MAX_REQUEST_LINE),
                values.get(MAX_HEADER_SIZE),
                values.get(MAX_INGEST_BYTES),
                values.get(SEND_BUFFER),
                values.get(IO_THREADS),
                values.get(REUSE_PORT),
                values.get(H2_MAX_STREAMS),
                values.get(INGEST_PORT));
    }
}
