package com.motioness.perf.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.motioness.perf.DurationConverter;
import com.motioness.perf.publish.EventSink;
import com.motioness.perf.publish.IngestSink;
import com.motioness.perf.publish.OpenLoopPublisher;
import com.motioness.perf.publish.RedisSink;
import com.motioness.perf.report.ProcSample;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The webhook load: registers endpoints through the edge's API (each at its own path of one
 * {@link WebhookReceiver}), hands the receiver their secrets, publishes events open-loop over the
 * endpoints' projects, waits until the receiver has every expected delivery (or it stops coming),
 * and prints one JSON line: what was published and acknowledged, delivered, dead-lettered and
 * unaccounted for, the receiver's report, and the CPU of this process, the receiver and the edges.
 *
 * <p>Publishing goes through Redis by default ({@code FCALL motioness_publish}, as producers do):
 * the dispatcher reads the firehose, so that is the path a webhook's latency starts on, and the
 * edge's ingest would add its own HTTP hop and CPU to the figures. {@code --publish ingest} is for
 * the kill scenario, whose promise is about events the ingest acknowledged.
 */
@Command(
        name = "webhook-load",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Registers webhook endpoints, publishes events, reports deliveries and latency.")
public final class WebhookLoadMain implements Callable<Integer> {
    private static final JsonFactory JSON = new JsonFactory();
    private static final List<Long> SELF = List.of(ProcessHandle.current().pid());

    @Option(names = "--api", description = "The edge's base URL (API and ingest) (default: ${DEFAULT-VALUE}).")
    String api = "http://127.0.0.1:18080";

    @Option(names = "--ingest-token", required = true, description = "The edge's ingest bearer token.")
    String ingestToken;

    @Option(
            names = "--receiver",
            required = true,
            description = "The receiver's delivery URL, e.g. http://127.0.0.1:19080.")
    String receiver;

    @Option(names = "--receiver-control", required = true, description = "The receiver's control URL.")
    String receiverControl;

    @Option(names = "--endpoints", description = "Endpoints to register (default: ${DEFAULT-VALUE}).")
    int endpoints = 100;

    @Option(
            names = "--projects",
            description = "Projects; endpoint i belongs to project i mod P (default: one per endpoint).")
    int projects;

    @Option(names = "--assets-per-project", description = "Assets per project (default: ${DEFAULT-VALUE}).")
    int assetsPerProject = 1;

    @Option(
            names = "--event-types",
            split = ",",
            description = "Event types the endpoints take (default: ${DEFAULT-VALUE}).")
    List<String> eventTypes = List.of("stage_started");

    @Option(
            names = "--hang",
            description = "Endpoints (the first N) whose receiver never answers (default: ${DEFAULT-VALUE}).")
    int hang;

    @Option(names = "--publish", description = "redis or ingest (default: ${DEFAULT-VALUE}).")
    String publish = "redis";

    @Option(names = "--ingest-path", description = "Ingest path on --api (default: ${DEFAULT-VALUE}).")
    String ingestPath = "/internal/events";

    @Option(names = "--redis", description = "Redis URI (default: ${DEFAULT-VALUE}).")
    String redis = "redis://127.0.0.1:6379";

    @Option(names = "--redis-prefix", description = "The edge's --redis-prefix (default: ${DEFAULT-VALUE}).")
    String redisPrefix = "mx";

    @Option(names = "--redis-shards", description = "The edge's --redis-shards (default: ${DEFAULT-VALUE}).")
    int redisShards = 1;

    @Option(names = "--count-dead-letters", description = "Count dead letters in --redis (Redis mode only).")
    boolean countDeadLetters;

    @Option(names = "--rate", description = "Events per second over all assets (default: ${DEFAULT-VALUE}).")
    double rate = 1000;

    @Option(defaultValue = "30s", names = "--duration", description = "Publishing time (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            defaultValue = "2s",
            names = "--registered-wait",
            description =
                    "Pause after registering, for every dispatcher to see the endpoints (default: ${DEFAULT-VALUE}).")
    Duration registeredWait;

    @Option(
            defaultValue = "15s",
            names = "--settle-quiet",
            description = "Stop waiting once deliveries stopped coming for this long (default: ${DEFAULT-VALUE}).")
    Duration settleQuiet;

    @Option(
            defaultValue = "180s",
            names = "--settle-max",
            description = "Wait at most this long after publishing (default: ${DEFAULT-VALUE}).")
    Duration settleMax;

    @Option(names = "--receiver-pid", description = "The receiver's PID, for its CPU time.")
    List<Long> receiverPids = new ArrayList<>();

    @Option(names = "--server-pid", description = "An edge's PID, for its CPU time (repeatable).")
    List<Long> serverPids = new ArrayList<>();

    @Option(names = "--label", description = "Name of the run in the JSON line.")
    String label = "";

    @Option(names = "--quiet", description = "No progress lines on stderr.")
    boolean quiet;

    private final PrintStream out;
    private final PrintStream err;

    WebhookLoadMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs one webhook load from the command line; exit code 0 when it ran. */
    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one webhook load, printing the JSON line on {@code out}. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return new CommandLine(new WebhookLoadMain(out, err))
                .registerConverter(Duration.class, new DurationConverter())
                .execute(args);
    }

    @Override
    public Integer call() throws Exception {
        int projectCount = projects > 0 ? projects : endpoints;
        String run = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
        List<String> projectIds = new ArrayList<>();
        for (int p = 0; p < projectCount; p++) {
            projectIds.add("whp-" + run + "-" + p);
        }

        ReceiverControl control = new ReceiverControl(receiverControl);
        EndpointRegistrar registrar = new EndpointRegistrar(api, ingestToken);
        Map<String, Integer> liveEndpointsOf = new HashMap<>();
        Set<String> projectsWithHanging = new LinkedHashSet<>();
        StringBuilder secrets = new StringBuilder();
        for (int i = 0; i < endpoints; i++) {
            String project = projectIds.get(i % projectCount);
            // The run's id in the path: runs against one receiver never share an endpoint's secrets or mode.
            String path = "/hook/" + run + "-" + i;
            EndpointRegistrar.Registered endpoint = registrar.register(project, receiver + path, path, eventTypes);
            secrets.append(path).append(' ').append(endpoint.secret()).append('\n');
            if (i < hang) {
                control.mode(path, "hang");
                projectsWithHanging.add(project);
            } else {
                liveEndpointsOf.merge(project, 1, Integer::sum);
            }
        }
        control.secrets(secrets.toString());
        progress("registered %d endpoints over %d projects (%d hanging)", endpoints, projectCount, hang);

        List<String> assetIds = new ArrayList<>();
        List<String> projectOfAsset = new ArrayList<>();
        for (int p = 0; p < projectCount; p++) {
            for (int a = 0; a < assetsPerProject; a++) {
                assetIds.add("wh-" + run + "-" + p + "-" + a);
                projectOfAsset.add(projectIds.get(p));
            }
        }

        Report report = new Report();
        ProcSample clientStart = ProcSample.of(SELF);
        ProcSample receiverStart = ProcSample.of(receiverPids);
        ProcSample serverStart = ProcSample.of(serverPids);
        long count = Math.round(rate * duration.toMillis() / 1000.0);
        OpenLoopPublisher publisher;
        try (EventSink sink = sink()) {
            OpenLoopPublisher.createAssets(sink, assetIds, projectOfAsset, 30_000);
            Thread.sleep(registeredWait.toMillis());
            publisher = new OpenLoopPublisher(sink, assetIds, projectOfAsset, rate, count);
            progress("publishing %d events at %.0f/s", count, rate);
            publisher.run();
            if (!sink.awaitAnswered(30_000)) {
                err.println("warning: some publishes were never answered");
            }
            report.acknowledged = sink.acknowledged() - assetIds.size();
            report.publishFailed = sink.failed();
            report.firstFailure = sink.firstFailure();
        }
        for (int a = 0; a < assetIds.size(); a++) {
            report.expected += publisher.sentTo(a) * liveEndpointsOf.getOrDefault(projectOfAsset.get(a), 0);
        }
        List<String> countedProjects = new ArrayList<>(liveEndpointsOf.keySet());
        countedProjects.removeAll(projectsWithHanging);
        if (countDeadLetters) {
            try (DeadLetterCount dead = new DeadLetterCount(redis, redisPrefix, redisShards)) {
                settle(
                        control,
                        () -> {
                            try {
                                return dead.of(countedProjects);
                            } catch (RuntimeException e) {
                                // Redis restarting (the outage scenario restarts it): unknown this time round.
                                return -1;
                            }
                        },
                        report);
            }
        } else {
            settle(control, () -> -1, report);
        }

        report.clientCpu = ProcSample.of(SELF).cpuSecondsSince(clientStart);
        report.receiverCpu = ProcSample.of(receiverPids).cpuSecondsSince(receiverStart);
        report.serverCpu = ProcSample.of(serverPids).cpuSecondsSince(serverStart);
        out.println(json(projectCount, publisher, report));
        return 0;
    }

    private EventSink sink() throws InterruptedException {
        return switch (publish) {
            case "redis" -> new RedisSink(redis, redisPrefix, redisShards);
            case "ingest" -> {
                URI uri = URI.create(api);
                yield new IngestSink(uri.getHost(), uri.getPort(), ingestPath, ingestToken);
            }
            default ->
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--publish is redis or ingest, got " + publish);
        };
    }

    /** Polls the receiver until every expected delivery arrived or was dead-lettered, or they stop coming. */
    private void settle(ReceiverControl control, LongSupplier deadLetters, Report report)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        long lastChange = start;
        long last = -1;
        while (true) {
            report.receiver = control.report();
            report.unique = ReceiverControl.number(report.receiver, "unique");
            report.dead = deadLetters.getAsLong();
            long now = System.nanoTime();
            long done = report.unique + Math.max(0, report.dead);
            if (done != last) {
                last = done;
                lastChange = now;
            }
            report.settleSeconds = (now - start) / 1e9;
            progress("settling: %d delivered, %d dead of %d expected", report.unique, report.dead, report.expected);
            if (done >= report.expected) {
                report.settled = true;
                return;
            }
            if (now - lastChange > settleQuiet.toNanos() || now - start > settleMax.toNanos()) {
                return;
            }
            Thread.sleep(500);
        }
    }

    private String json(int projectCount, OpenLoopPublisher publisher, Report r) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("label", label);
            json.writeNumberField("endpoints", endpoints);
            json.writeNumberField("projects", projectCount);
            json.writeNumberField("hanging", hang);
            json.writeStringField("publish", publish);
            json.writeNumberField("rate_asked", rate);
            json.writeNumberField("rate_offered", round(publisher.offeredRate()));
            json.writeBooleanField("rate_warning", !publisher.keptSchedule());
            json.writeNumberField("published", publisher.sent());
            json.writeNumberField("acknowledged", r.acknowledged);
            json.writeNumberField("publish_failed", r.publishFailed);
            if (r.firstFailure != null) {
                json.writeStringField("first_failure", r.firstFailure);
            }
            json.writeNumberField("expected_deliveries", r.expected);
            json.writeNumberField("delivered", r.unique);
            json.writeNumberField("dead_lettered", r.dead);
            json.writeNumberField("unaccounted", r.expected - r.unique - Math.max(0, r.dead));
            json.writeBooleanField("settled", r.settled);
            json.writeNumberField("settle_seconds", round(r.settleSeconds));
            json.writeNumberField("client_cpu_seconds", round(r.clientCpu));
            cpuPerMillion(json, "client", r.clientCpu, r.unique);
            if (!receiverPids.isEmpty()) {
                json.writeNumberField("receiver_cpu_seconds", round(r.receiverCpu));
                cpuPerMillion(json, "receiver", r.receiverCpu, r.unique);
            }
            if (!serverPids.isEmpty()) {
                json.writeNumberField("server_cpu_seconds", round(r.serverCpu));
                cpuPerMillion(json, "server", r.serverCpu, r.unique);
            }
            json.writeFieldName("receiver");
            json.writeRawValue(r.receiver);
            json.writeEndObject();
        }
        if (!publisher.keptSchedule()) {
            err.println("WARNING: the publisher did not keep its schedule: these figures measure the load generator");
        }
        return text.toString();
    }

    private static void cpuPerMillion(JsonGenerator json, String who, double seconds, long deliveries)
            throws IOException {
        json.writeNumberField(
                who + "_cpu_s_per_million_deliveries", deliveries > 0 ? round(seconds * 1e6 / deliveries) : 0);
    }

    private void progress(String format, Object... args) {
        if (!quiet) {
            err.println(String.format(format, args));
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** What one run measured, filled in as it goes. */
    private static final class Report {
        long acknowledged;
        long publishFailed;
        String firstFailure;
        long expected;
        long unique;
        long dead = -1;
        boolean settled;
        double settleSeconds;
        double clientCpu;
        double receiverCpu;
        double serverCpu;
        String receiver = "{}";
    }
}
