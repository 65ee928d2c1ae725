package com.motioness.perf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.motioness.perf.client.ClientTls;
import com.motioness.perf.client.StreamClient;
import com.motioness.perf.client.StreamTotals;
import com.motioness.perf.publish.AnswerTimes;
import com.motioness.perf.publish.EventSink;
import com.motioness.perf.publish.IngestSink;
import com.motioness.perf.publish.NchanSink;
import com.motioness.perf.publish.OpenLoopPublisher;
import com.motioness.perf.publish.RedisSink;
import com.motioness.perf.report.ProcSample;
import com.motioness.perf.report.ScrapedHistogram;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load generator: opens N SSE streams, publishes events at a fixed rate through the edge's
 * ingest, Redis or an Nchan-style POST, and reports per-delivery latency, throughput, what was
 * lost, duplicated or out of order, and what the server spent, as one JSON line on stdout.
 *
 * <p>Progress goes to stderr once a second. A publisher that could not keep its schedule (the
 * client saturated) is reported with {@code "rate_warning": true} and a line on stderr that says
 * so: the figures of such a run measure the client, not the server.
 */
@Command(
        name = "motioness-perf",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Open-loop SSE load generator: streams, publisher, latency, loss, server cost.")
public final class LoadMain implements Callable<Integer> {

    @Option(
            names = "--url",
            required = true,
            description =
                    "Stream URL; {asset} is replaced by each stream's asset id,"
                            + " e.g. http://127.0.0.1:8080/v1/perf-key-0123456789/events/{asset}. Without {asset}: a feed of every asset.")
    String url;

    @Option(
            names = "--http2",
            description = "Streams over HTTP/2: h2 by ALPN for an https URL, h2c with prior knowledge for http.")
    boolean http2;

    @Option(
            names = "--h2-streams-per-connection",
            description = "Over HTTP/2, streams a connection carries before the next one opens;"
                    + " at most the server's max concurrent streams (default: ${DEFAULT-VALUE}).")
    int h2StreamsPerConnection = 100;

    @Option(
            names = "--tls-resume",
            description = "Over TLS, resume sessions (tickets) on reconnects; without it every connection"
                    + " makes a full handshake.")
    boolean tlsResume;

    @Option(names = "--streams", description = "Streams to open (default: ${DEFAULT-VALUE}).")
    int streams = 100;

    @Option(
            names = "--assets",
            description = "Assets; stream i follows asset i mod assets (default: ${DEFAULT-VALUE}).")
    int assets = 1;

    @Option(names = "--asset-prefix", description = "Asset ids are <prefix><n> (default: perf-<random>-).")
    String assetPrefix;

    @Option(names = "--project", description = "Project id of the events (default: ${DEFAULT-VALUE}).")
    String project = "perf";

    @Option(names = "--header", description = "Extra request header for the streams, e.g. 'Cookie: a=b' (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(
            names = "--sources",
            description = "Source addresses to connect from: 127.0.0.1, 127.0.0.2, ... (default: ${DEFAULT-VALUE}).")
    int sources = 1;

    @Option(names = "--source-base", description = "First source address (default: ${DEFAULT-VALUE}).")
    String sourceBase = "127.0.0.1";

    @Option(
            names = "--source-ports",
            description = "Source ports each source address uses in turn (default: ${DEFAULT-VALUE}).")
    String sourcePorts = "10000-65000";

    @Option(names = "--client-threads", description = "Client event loops (default: cores).")
    int clientThreads = Runtime.getRuntime().availableProcessors();

    @Option(
            names = "--connect-rate",
            description = "New streams per second; 0: as fast as allowed (default: ${DEFAULT-VALUE}).")
    double connectRate;

    @Option(
            names = "--warmup-streams",
            description = "Open and close this many streams first, so both sides run"
                    + " compiled code when the measured streams open (default: ${DEFAULT-VALUE}).")
    int warmupStreams;

    @Option(
            names = "--warmup-rounds",
            description = "Open and close the warm-up streams this many times, in this process: its own"
                    + " JIT compiles the connection path only after tens of thousands of connections, and"
                    + " until then about half of its CPU per stream is the compiler's (default: ${DEFAULT-VALUE}).")
    int warmupRounds = 1;

    @Option(names = "--max-connecting", description = "Streams being opened at once (default: ${DEFAULT-VALUE}).")
    int maxConnecting = 1000;

    @Option(
            defaultValue = "120s",
            names = "--connect-timeout",
            description = "How long all streams may take to open (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(
            defaultValue = "0ms",
            names = "--reconnect-delay",
            description = "Wait before reconnecting a stream the server closed (default: ${DEFAULT-VALUE}).")
    Duration reconnectDelay;

    @Option(names = "--publish", description = "none, ingest, redis or nchan (default: ${DEFAULT-VALUE}).")
    String publish = "none";

    @Option(names = "--ingest-token", description = "Bearer token of the edge's ingest.")
    String ingestToken;

    @Option(names = "--ingest-path", description = "Ingest path on the stream URL's host (default: ${DEFAULT-VALUE}).")
    String ingestPath = "/internal/events";

    @Option(
            names = "--ingest-port",
            description = "Cleartext HTTP/1.1 port of the ingest on the stream URL's host (default: the URL's"
                    + " port; an https URL needs the edge's --cleartext-port here).")
    Integer ingestPort;

    @Option(
            names = "--ingest-connections",
            description = "Connections the ingest publisher spreads the assets over, each asset on one so its"
                    + " events stay in order (default: ${DEFAULT-VALUE}).")
    int ingestConnections = 1;

    @Option(names = "--redis", description = "Redis URI for --publish redis (default: ${DEFAULT-VALUE}).")
    String redis = "redis://127.0.0.1:6379";

    @Option(names = "--redis-prefix", description = "The edge's --redis-prefix (default: ${DEFAULT-VALUE}).")
    String redisPrefix = "mx";

    @Option(names = "--redis-shards", description = "The edge's --redis-shards (default: ${DEFAULT-VALUE}).")
    int redisShards = 1;

    @Option(
            names = "--nchan-pub",
            description = "Nchan publisher location on the stream URL's host (default: ${DEFAULT-VALUE}).")
    String nchanPub = "/pub";

    @Option(
            names = "--rate",
            description = "Events per second over all assets; 0: publish nothing (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            defaultValue = "10s",
            names = "--duration",
            description = "How long to publish (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            defaultValue = "2s",
            names = "--warmup",
            description =
                    "First part of the publishing left out of latency and throughput (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(
            defaultValue = "0ms",
            names = "--hold",
            description = "Hold the open streams idle this long before publishing (default: ${DEFAULT-VALUE}).")
    Duration hold;

    @Option(
            names = "--storm-after",
            description = "Drop every connection at once this far into publishing; each resumes with Last-Event-ID.")
    Duration stormAfter;

    @Option(
            defaultValue = "10s",
            names = "--drain-timeout",
            description =
                    "After publishing, wait this long at most for the last deliveries (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(
            names = "--server-pid",
            split = ",",
            description = "Server process ids for RSS and CPU from /proc (repeatable, comma-separated).")
    List<Long> serverPids = new ArrayList<>();

    @Option(
            names = "--server-metrics",
            description = "The edge's metrics page (http://127.0.0.1:<admin port>/metrics): its own publish to"
                    + " last-write histogram over the measured time goes beside the clients' latency.")
    String serverMetrics;

    @Option(names = "--label", description = "Name of the run in the JSON line.")
    String label = "";

    @Option(names = "--quiet", description = "No progress lines on stderr.")
    boolean quiet;

    private static final List<Long> SELF = List.of(ProcessHandle.current().pid());
    /** The edge's own figure: publish (its id's ms) to the flush of its last subscriber on a loop. */
    private static final String SERVER_LATENCY = "motioness_publish_to_write_seconds";

    private final PrintStream out;
    private final PrintStream err;

    LoadMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs one load test from the command line; exit code 0 when it ran, 1 on a harness failure. */
    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one load test, printing the JSON summary line on {@code out}. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return new CommandLine(new LoadMain(out, err))
                .registerConverter(Duration.class, new DurationConverter())
                .setErr(new java.io.PrintWriter(err, true))
                .execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (!sourcePorts.matches("\\d{1,5}-\\d{1,5}")
                || firstPort() < 1
                || lastPort() > 65535
                || firstPort() > lastPort()) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--source-ports must be FIRST-LAST within 1-65535, got " + sourcePorts);
        }
        URI target = URI.create(url.replace("{asset}", "ASSET"));
        String host = target.getHost();
        boolean https = "https".equals(target.getScheme());
        int port = target.getPort() > 0 ? target.getPort() : https ? 443 : 80;
        if (http2 && (h2StreamsPerConnection < 1)) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--h2-streams-per-connection must be at least 1");
        }
        if (https && "ingest".equals(publish) && ingestPort == null) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--publish ingest with an https URL needs --ingest-port (the edge's cleartext port)");
        }
        ClientTls tls = https ? new ClientTls(http2, tlsResume, host, port) : null;
        String prefix = assetPrefix != null
                ? assetPrefix
                : "perf-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "-";
        List<String> assetIds = new ArrayList<>(assets);
        for (int i = 0; i < assets; i++) {
            assetIds.add(prefix + i);
        }
        boolean feed = !url.contains("{asset}");
        String pathTemplate = url.substring(url.indexOf('/', url.indexOf("//") + 2));

        EventSink sink = sink(host, ingestPort != null ? ingestPort : port);
        Report report = new Report();
        StreamClient.Settings settings = new StreamClient.Settings(
                host,
                port,
                sourceAddresses(),
                headers,
                clientThreads,
                reconnectDelay.toMillis(),
                false,
                maxConnecting,
                firstPort(),
                lastPort(),
                tls,
                http2 ? h2StreamsPerConnection : 0);
        try (StreamClient client = new StreamClient(settings)) {
            if (sink != null) {
                OpenLoopPublisher.createAssets(sink, assetIds, project, 30_000);
                report.acknowledgedBefore = sink.acknowledged();
            }
            // Before any stream, warm-up included: what a stream costs is what the process grew by.
            report.before = ProcSample.of(serverPids);
            for (int round = 0; warmupStreams > 0 && round < warmupRounds; round++) {
                try (StreamClient warm = new StreamClient(settings)) {
                    warm.open(
                            warmupStreams,
                            i -> pathTemplate.replace("{asset}", assetIds.get(i % assets)),
                            i -> feed ? -1 : i % assets,
                            assets,
                            0);
                    warm.awaitSettled(connectTimeout.toMillis());
                    progress("warm-up: opened %d streams, closing them", warm.opened());
                }
                // Let the server see the resets and release those streams before the baseline.
                Thread.sleep(2000);
            }
            ProcSample serverBeforeOpen = ProcSample.of(serverPids);
            ProcSample clientBeforeOpen = ProcSample.of(SELF);
            long connectStart = System.nanoTime();
            client.open(
                    streams,
                    i -> pathTemplate.replace("{asset}", assetIds.get(i % assets)),
                    i -> feed ? -1 : i % assets,
                    assets,
                    connectRate);
            boolean settled = client.awaitSettled(connectTimeout.toMillis());
            report.connectSeconds = (Math.max(client.lastOpenedNanos(), connectStart) - connectStart) / 1e9;
            report.openServerCpu = ProcSample.of(serverPids).cpuSecondsSince(serverBeforeOpen);
            report.openClientCpu = ProcSample.of(SELF).cpuSecondsSince(clientBeforeOpen);
            progress(
                    "opened %d of %d streams in %.2f s (%d failed, %d connect errors)%s",
                    client.opened(),
                    streams,
                    report.connectSeconds,
                    client.failed(),
                    client.connectErrors(),
                    settled ? "" : " — TIMED OUT");
            if (!hold.isZero()) {
                Thread.sleep(hold.toMillis());
            }
            report.connected = ProcSample.of(serverPids);

            OpenLoopPublisher publisher = null;
            if (sink != null && rate > 0) {
                publisher = new OpenLoopPublisher(
                        sink, assetIds, project, rate, (long) (rate * duration.toMillis() / 1000));
                publishAndMeasure(client, sink, publisher, report);
            }
            report.after = ProcSample.of(serverPids);
            long[] published = new long[assets];
            for (int i = 0; i < assets; i++) {
                published[i] = publisher == null ? 0 : publisher.sentTo(i);
            }
            report.totals = client.totals(published);
            report.comments = client.comments();
            report.openLatency = client.openLatency();
            report.opened = client.opened();
            report.failed = client.failed();
            report.connectErrors = client.connectErrors();
            report.firstConnectError = client.firstConnectError();
            report.publisher = publisher;
            report.sink = sink;
            report.tlsProvider = tls == null ? null : tls.provider();
            report.fullHandshakes = client.fullHandshakes();
            report.resumedHandshakes = client.resumedHandshakes();
        } finally {
            if (sink != null) {
                sink.close();
            }
        }
        if (report.publisher != null && !report.publisher.keptSchedule()) {
            err.printf(
                    "WARNING: the publisher could not offer %.0f events/s (offered %.0f/s, p99 send %d µs behind"
                            + " schedule): the client saturated; these figures measure the client, not the server.%n",
                    rate,
                    report.publisher.offeredRate(),
                    report.publisher.lateness().getValueAtPercentile(99));
        }
        out.println(report.json(this));
        out.flush();
        return 0;
    }

    private void publishAndMeasure(StreamClient client, EventSink sink, OpenLoopPublisher publisher, Report report)
            throws Exception {
        Histogram interval = new Histogram(3_600_000_000L, 3);
        client.takeInterval(interval);
        Thread publishing = new Thread(
                () -> {
                    try {
                        publisher.run();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "perf-publisher");
        publishing.setPriority(Thread.MAX_PRIORITY);
        AnswerTimes answerTimes = sink.answerTimes();
        if (answerTimes != null && warmup.isZero()) {
            answerTimes.measureFrom(MicroClock.nowMicros());
        }
        long start = System.nanoTime();
        ProcSample cpuStart = ProcSample.of(serverPids);
        ProcSample clientStart = ProcSample.of(SELF);
        if (warmup.isZero()) {
            report.serverLatencyStart = scrapeServerLatency();
        }
        publishing.start();
        long warmupEnd = start + warmup.toNanos();
        long stormAt = stormAfter == null ? Long.MAX_VALUE : start + stormAfter.toNanos();
        boolean warm = warmup.isZero();
        long measuredStart = start;
        while (publishing.isAlive()) {
            long nextBoundary = Math.min(warm ? Long.MAX_VALUE : warmupEnd, stormAt);
            publishing.join(Math.max(1, Math.min(1000, (nextBoundary - System.nanoTime()) / 1_000_000)));
            long now = System.nanoTime();
            if (!warm && now >= warmupEnd) {
                client.takeInterval(interval);
                if (answerTimes != null) {
                    answerTimes.measureFrom(MicroClock.nowMicros());
                }
                warm = true;
                measuredStart = now;
                cpuStart = ProcSample.of(serverPids);
                clientStart = ProcSample.of(SELF);
                report.serverLatencyStart = scrapeServerLatency();
                continue;
            }
            if (now >= stormAt) {
                stormAt = Long.MAX_VALUE;
                report.stormStartNanos = now;
                client.dropAll();
                progress("storm: dropped every connection");
                boolean resumed = client.awaitResumed(client.opened(), 30_000);
                progress("storm: %s", resumed ? "every stream resumed" : "NOT every stream resumed within 30 s");
            }
            if (warm) {
                report.measured.add(client.takeInterval(interval));
            }
            progressLine(publisher, interval);
        }
        long publishEnd = System.nanoTime();
        if (warm) {
            report.measured.add(client.takeInterval(interval));
        }
        report.measuredSeconds = (publishEnd - measuredStart) / 1e9;
        report.measuredDeliveries = report.measured.getTotalCount();
        // The tail: events published in the last moments still on their way.
        sink.awaitAnswered(drainTimeout.toMillis());
        long expected = expectedDeliveries(publisher);
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        long delivered = client.delivered();
        while (delivered < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
            delivered = client.delivered();
        }
        report.measured.add(client.takeInterval(interval));
        ScrapedHistogram serverLatencyEnd = scrapeServerLatency();
        if (report.serverLatencyStart != null && serverLatencyEnd != null) {
            report.serverLatency = serverLatencyEnd.since(report.serverLatencyStart);
        }
        report.cpuSeconds = ProcSample.of(serverPids).cpuSecondsSince(cpuStart);
        report.clientCpuSeconds = ProcSample.of(SELF).cpuSecondsSince(clientStart);
        report.cpuDeliveries = delivered;
    }

    /** The edge's publish to last-write histogram now, or null without {@code --server-metrics}. */
    private ScrapedHistogram scrapeServerLatency() throws IOException, InterruptedException {
        return serverMetrics == null ? null : ScrapedHistogram.scrape(serverMetrics, SERVER_LATENCY);
    }

    private long expectedDeliveries(OpenLoopPublisher publisher) {
        boolean feed = !url.contains("{asset}");
        if (feed) {
            return publisher.sent() * streams;
        }
        long sum = 0;
        for (int i = 0; i < streams; i++) {
            sum += publisher.sentTo(i % assets);
        }
        return sum;
    }

    private void progressLine(OpenLoopPublisher publisher, Histogram interval) {
        if (!quiet) {
            err.printf(
                    "[perf] sent %d events, interval: %d deliveries, latency p50 %d µs p99 %d µs max %d µs%n",
                    publisher.sent(),
                    interval.getTotalCount(),
                    interval.getValueAtPercentile(50),
                    interval.getValueAtPercentile(99),
                    interval.getMaxValue());
        }
    }

    private void progress(String format, Object... args) {
        if (!quiet) {
            err.printf("[perf] " + format + "%n", args);
        }
    }

    private EventSink sink(String host, int port) throws InterruptedException {
        return switch (publish) {
            case "none" -> null;
            case "ingest" -> {
                if (ingestToken == null) {
                    throw new CommandLine.ParameterException(
                            new CommandLine(this), "--publish ingest needs --ingest-token");
                }
                if (ingestConnections < 1) {
                    throw new CommandLine.ParameterException(
                            new CommandLine(this), "--ingest-connections must be at least 1");
                }
                yield new IngestSink(host, port, ingestPath, ingestToken, ingestConnections);
            }
            case "redis" -> new RedisSink(redis, redisPrefix, redisShards);
            case "nchan" -> new NchanSink(host, port, nchanPub);
            default ->
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--publish must be none, ingest, redis or nchan, not " + publish);
        };
    }

    private int firstPort() {
        return Integer.parseInt(sourcePorts.substring(0, sourcePorts.indexOf('-')));
    }

    private int lastPort() {
        return Integer.parseInt(sourcePorts.substring(sourcePorts.indexOf('-') + 1));
    }

    private List<InetAddress> sourceAddresses() throws UnknownHostException {
        byte[] base = InetAddress.getByName(sourceBase).getAddress();
        List<InetAddress> addresses = new ArrayList<>(sources);
        for (int i = 0; i < sources; i++) {
            byte[] address = base.clone();
            address[address.length - 1] += (byte) i;
            addresses.add(InetAddress.getByAddress(address));
        }
        return addresses;
    }

    /** What one run measured, written as one JSON object. */
    private static final class Report {
        ProcSample before;
        ProcSample connected;
        ProcSample after;
        double connectSeconds;
        int opened;
        int failed;
        long connectErrors;
        String firstConnectError;
        StreamTotals totals;
        long comments;
        Histogram openLatency;
        OpenLoopPublisher publisher;
        EventSink sink;
        final Histogram measured = new Histogram(3_600_000_000L, 3);
        double measuredSeconds;
        long measuredDeliveries;
        long stormStartNanos;
        long acknowledgedBefore;
        double cpuSeconds;
        double clientCpuSeconds;
        double openServerCpu;
        double openClientCpu;
        long cpuDeliveries;
        String tlsProvider;
        ScrapedHistogram serverLatencyStart;
        ScrapedHistogram serverLatency;
        long fullHandshakes;
        long resumedHandshakes;

        String json(LoadMain run) throws IOException {
            StringWriter text = new StringWriter();
            try (JsonGenerator json = new JsonFactory().createGenerator(text)) {
                json.writeStartObject();
                json.writeStringField("label", run.label);
                json.writeStringField("url", run.url);
                json.writeNumberField("streams", run.streams);
                json.writeNumberField("assets", run.assets);
                json.writeStringField("protocol", run.http2 ? "h2" : "http/1.1");
                if (run.http2) {
                    json.writeNumberField("h2_streams_per_connection", run.h2StreamsPerConnection);
                }
                json.writeStringField("tls", tlsProvider == null ? "none" : tlsProvider);
                if (tlsProvider != null) {
                    json.writeBooleanField("tls_resume", run.tlsResume);
                    json.writeNumberField("tls_full_handshakes", fullHandshakes);
                    json.writeNumberField("tls_resumed_handshakes", resumedHandshakes);
                }
                json.writeNumberField("opened", opened);
                json.writeNumberField("failed_streams", failed);
                json.writeNumberField("connect_errors", connectErrors);
                if (firstConnectError != null) {
                    json.writeStringField("first_connect_error", firstConnectError);
                }
                json.writeNumberField("http_errors", totals.httpErrors);
                if (!totals.errorStatuses.isEmpty()) {
                    json.writeObjectFieldStart("http_error_statuses");
                    for (var status : totals.errorStatuses.entrySet()) {
                        json.writeNumberField(Integer.toString(status.getKey()), status.getValue());
                    }
                    json.writeEndObject();
                }
                json.writeNumberField("connect_seconds", round(connectSeconds));
                json.writeNumberField("accepted_per_s", connectSeconds > 0 ? Math.round(opened / connectSeconds) : 0);
                // CPU spent opening the streams, per stream: what bounds the accept rate on a shared box.
                json.writeNumberField(
                        "open_client_cpu_us_per_stream", opened > 0 ? Math.round(openClientCpu * 1e6 / opened) : 0);
                if (!run.serverPids.isEmpty()) {
                    json.writeNumberField(
                            "open_server_cpu_us_per_stream", opened > 0 ? Math.round(openServerCpu * 1e6 / opened) : 0);
                }
                json.writeObjectFieldStart("open_us");
                json.writeNumberField("p50", openLatency.getValueAtPercentile(50));
                json.writeNumberField("p99", openLatency.getValueAtPercentile(99));
                json.writeNumberField("max", openLatency.getMaxValue());
                json.writeEndObject();
                if (publisher != null) {
                    json.writeNumberField("rate_asked", publisher.rate());
                    json.writeNumberField("rate_offered", Math.round(publisher.offeredRate()));
                    json.writeBooleanField("rate_warning", !publisher.keptSchedule());
                    json.writeNumberField(
                            "publish_late_p99_us", publisher.lateness().getValueAtPercentile(99));
                    json.writeNumberField("published", publisher.sent());
                    json.writeNumberField("publish_acknowledged", sink.acknowledged() - acknowledgedBefore);
                    json.writeNumberField("publish_failed", sink.failed());
                    if (sink.firstFailure() != null) {
                        json.writeStringField("publish_first_failure", sink.firstFailure());
                    }
                    json.writeNumberField("measured_seconds", round(measuredSeconds));
                    json.writeNumberField(
                            "deliveries_per_s",
                            measuredSeconds > 0 ? Math.round(measuredDeliveries / measuredSeconds) : 0);
                    // What the load generator itself spent: near a core per core it has, it is the bottleneck.
                    json.writeNumberField("client_cpu_seconds", round(clientCpuSeconds));
                    json.writeNumberField(
                            "client_cpu_s_per_million_deliveries",
                            cpuDeliveries > 0 ? round(clientCpuSeconds * 1e6 / cpuDeliveries) : 0);
                    writeAnswerTimes(json, run);
                    json.writeObjectFieldStart("latency_us");
                    writeDistribution(json, measured);
                    json.writeEndObject();
                    if (serverLatency != null) {
                        // Bucket bounds: each figure is at most this, above the bucket before.
                        json.writeObjectFieldStart("server_publish_to_last_write_ms");
                        json.writeNumberField("count", serverLatency.count());
                        json.writeNumberField("p50_at_most", serverLatency.quantileUpperBound(0.5) * 1000);
                        json.writeNumberField("p99_at_most", serverLatency.quantileUpperBound(0.99) * 1000);
                        json.writeNumberField("p99_9_at_most", serverLatency.quantileUpperBound(0.999) * 1000);
                        json.writeEndObject();
                    }
                }
                json.writeNumberField("delivered", totals.delivered);
                json.writeNumberField("lost", totals.lost);
                json.writeNumberField("duplicated", totals.duplicated);
                json.writeNumberField("out_of_order", totals.outOfOrder);
                json.writeNumberField("foreign", totals.foreign);
                json.writeNumberField("reconnects", totals.reconnects);
                json.writeNumberField("terminal_204", totals.terminal);
                json.writeNumberField("comments", comments);
                if (stormStartNanos != 0) {
                    json.writeObjectFieldStart("storm");
                    json.writeNumberField("resumed", totals.resumed);
                    json.writeNumberField("max_resume_ms", round(totals.maxResumeNanos / 1e6));
                    json.writeEndObject();
                }
                if (!run.serverPids.isEmpty()) {
                    json.writeObjectFieldStart("server");
                    json.writeNumberField("processes", run.serverPids.size());
                    json.writeNumberField("rss_kib_before", before.rssKib());
                    json.writeNumberField("rss_kib_connected", connected.rssKib());
                    json.writeNumberField("rss_kib_after", after.rssKib());
                    json.writeNumberField(
                            "rss_bytes_per_stream",
                            opened > 0 ? Math.round((connected.rssKib() - before.rssKib()) * 1024.0 / opened) : 0);
                    if (publisher != null) {
                        json.writeNumberField("cpu_seconds", round(cpuSeconds));
                        json.writeNumberField(
                                "cpu_s_per_million_deliveries",
                                cpuDeliveries > 0 ? round(cpuSeconds * 1e6 / cpuDeliveries) : 0);
                    }
                    json.writeEndObject();
                }
                json.writeNumberField("client_threads", run.clientThreads);
                json.writeEndObject();
            }
            return text.toString();
        }

        /**
         * Each publish request's wait for its answer, from its first event's intended send time,
         * after the warm-up: {@code requests} sent and {@code count} answered, which differ only by
         * requests never answered.
         */
        private void writeAnswerTimes(JsonGenerator json, LoadMain run) throws IOException {
            AnswerTimes answerTimes = sink.answerTimes();
            if (answerTimes == null) {
                return;
            }
            Histogram answers = answerTimes.histogram();
            if ("ingest".equals(run.publish)) {
                json.writeNumberField("ingest_connections", run.ingestConnections);
            }
            json.writeObjectFieldStart("ingest_answer_us");
            json.writeNumberField("requests", answerTimes.requests());
            writeDistribution(json, answers);
            json.writeEndObject();
            Histogram fromSend = answerTimes.fromSend();
            json.writeObjectFieldStart("ingest_answer_from_send_us");
            json.writeNumberField("p50", fromSend.getValueAtPercentile(50));
            json.writeNumberField("p99", fromSend.getValueAtPercentile(99));
            json.writeNumberField("max", fromSend.getMaxValue());
            json.writeEndObject();
        }

        /** The count, p50, p90, p99, p99.9 and max of {@code histogram}, into the object being written. */
        private static void writeDistribution(JsonGenerator json, Histogram histogram) throws IOException {
            json.writeNumberField("count", histogram.getTotalCount());
            json.writeNumberField("p50", histogram.getValueAtPercentile(50));
            json.writeNumberField("p90", histogram.getValueAtPercentile(90));
            json.writeNumberField("p99", histogram.getValueAtPercentile(99));
            json.writeNumberField("p99_9", histogram.getValueAtPercentile(99.9));
            json.writeNumberField("max", histogram.getMaxValue());
        }

        private static double round(double value) {
            return Math.round(value * 1000) / 1000.0;
        }
    }
}
