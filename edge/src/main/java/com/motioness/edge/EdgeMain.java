package com.motioness.edge;

import com.motioness.edge.config.AuthSettings;
import com.motioness.edge.config.EdgeCommandLine;
import com.motioness.edge.config.EdgeConfig;
import com.motioness.edge.demo.DemoProducer;
import com.motioness.edge.demo.DemoWebhook;
import com.motioness.edge.tls.TlsSetupException;
import com.motioness.edge.transport.ListenerBindException;
import com.motioness.protocol.redis.ShardCountMismatchException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar motioness-edge.jar}: reads the settings (flags, {@code MOTIONESS_*} variables, the
 * {@code --config} file), runs the server until SIGTERM.
 */
public final class EdgeMain {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeMain.class);

    private EdgeMain() {}

    /** Entry point. */
    public static void main(String[] args) {
        // First: Netty reads these once, when its classes load.
        NettyDefaults.apply(System.getProperties());
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = EdgeCommandLine.run(args, System.getenv(), config -> serve(config, out, err), out, err);
        // Signals are handled, not left to the JVM, so after a drain nothing else ends the process.
        System.exit(code);
    }

    private static int serve(EdgeConfig config, PrintWriter out, PrintWriter err) {
        EdgeServer server;
        try {
            server = EdgeServer.start(config);
        } catch (ShardCountMismatchException e) {
            // A setting that disagrees with the shared log is a configuration error, like a bad flag.
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        } catch (TlsSetupException e) {
            // A certificate or key file that cannot be used: one line naming the file, exit 2 like any
            // other setting that cannot work (the same files never start).
            LOG.debug("could not set up TLS", e);
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        } catch (ListenerBindException e) {
            // One line a supervisor's log shows as it is; the trace only for whoever asks for DEBUG.
            // Exit 1, not 2: the same settings may start once the port is free.
            LOG.debug("could not listen", e);
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        // The demo's endpoint is registered before its first asset starts, so every asset's
        // deliveries show.
        DemoWebhook demoWebhook = config.ops().demo() && server.webhookEndpoints() != null
                ? DemoWebhook.start(server.webhookEndpoints(), AuthSettings.DEMO_PROJECT)
                : null;
        DemoProducer demo = config.ops().demo()
                ? new DemoProducer(
                        server.log(), AuthSettings.DEMO_PROJECT, Duration.ofSeconds(3), Duration.ofMillis(500))
                : null;
        if (demo != null) {
            printDemoHelp(out, (server.isTls() ? "https" : "http") + "://localhost:" + server.port());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and Ctrl-C run this: readiness goes false, streams end spread over the drain
        // window so clients resume elsewhere, then the process stops.
        Runnable stop = () -> {
            if (demo != null) {
                demo.close();
            }
            if (demoWebhook != null) {
                demoWebhook.close();
            }
            Duration window = config.ops().drainWindow();
            try {
                server.drain(window).get(window.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("drain did not finish: {}", e.toString());
            }
            server.close();
            stopped.countDown();
        };
        boolean handled = ShutdownSignals.install(() -> new Thread(stop, "motioness-drain").start(), signal -> {
            LOG.warn("second signal: exiting now, without waiting for the drain");
            Runtime.getRuntime().halt(128 + signal);
        });
        if (!handled) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop, "motioness-shutdown"));
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void printDemoHelp(PrintWriter out, String base) {
        out.println();
        out.println("Demo running: a new asset every 3 s on project '" + AuthSettings.DEMO_PROJECT + "'.");
        out.println("  The dashboard (signed in as the demo's user by the page itself):");
        out.println("    " + base + "/dashboard/?project=" + AuthSettings.DEMO_PROJECT);
        out.println("  One asset, replayed from the start, ends at its terminal event:");
        out.println("    curl -N " + base + "/v1/" + AuthSettings.DEMO_KEY + "/events/" + DemoProducer.assetId(1));
        out.println("  The project's activity feed (live, every asset):");
        out.println("    curl -N -b better-auth.session_token=" + AuthSettings.DEMO_SESSION + " " + base
                + "/api/projects/" + AuthSettings.DEMO_PROJECT + "/activity");
        out.println("  Webhooks: the demo's endpoint receives every asset's storage write and outcome, signed;");
        out.println("  it refuses demo-asset-3, 9, 15... every time (dead letter after 5 attempts in ~15 s):");
        out.println("  watch it on the feed above (webhook_* events); with --ingest-token T, its dead letters:");
        out.println("    curl -H 'Authorization: Bearer T' " + base + "/internal/projects/" + AuthSettings.DEMO_PROJECT
                + "/webhooks/dead-letters");
        out.println("  In a browser console on any page:");
        out.println("    const es = new EventSource('" + base + "/v1/" + AuthSettings.DEMO_KEY + "/events/"
                + DemoProducer.assetId(1) + "');");
        out.println("    es.addEventListener('stage_completed', (e) => console.log(JSON.parse(e.data)));");
        out.println("    es.addEventListener('ready', () => { console.log('mp4 hot'); es.close(); });");
        out.println();
    }
}
