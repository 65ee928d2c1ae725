package com.motioness.edge;

import com.motioness.edge.config.EdgeCommandLine;
import com.motioness.edge.config.EdgeConfig;
import com.motioness.edge.demo.DemoProducer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar motioness-edge.jar}: parses the command line, runs the server until SIGTERM. */
public final class EdgeMain {
    private EdgeMain() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = EdgeCommandLine.run(args, config -> serve(config, out), out, err);
        // After SIGTERM the shutdown hook already ran; calling exit from here would only wait on it.
        if (code != 0) {
            System.exit(code);
        }
    }

    private static int serve(EdgeConfig config, PrintWriter out) {
        EdgeServer server;
        try {
            server = EdgeServer.start(config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        DemoProducer demo = config.demo()
                ? new DemoProducer(server.log(), EdgeConfig.DEMO_PROJECT, Duration.ofSeconds(3), Duration.ofMillis(500))
                : null;
        if (demo != null) {
            printDemoHelp(out, server.port());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and Ctrl-C run this: end the streams cleanly so clients resume elsewhere.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (demo != null) {
                demo.close();
            }
            server.close();
            stopped.countDown();
        }, "motioness-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void printDemoHelp(PrintWriter out, int port) {
        String base = "http://localhost:" + port;
        out.println();
        out.println("Demo running: a new asset every 3 s on project '" + EdgeConfig.DEMO_PROJECT + "'.");
        out.println("  The dashboard (signed in as the demo's user by the page itself):");
        out.println("    " + base + "/dashboard/?project=" + EdgeConfig.DEMO_PROJECT);
        out.println("  One asset, replayed from the start, ends at its terminal event:");
        out.println("    curl -N " + base + "/v1/" + EdgeConfig.DEMO_KEY + "/events/" + DemoProducer.assetId(1));
        out.println("  The project's activity feed (live, every asset):");
        out.println("    curl -N -b better-auth.session_token=" + EdgeConfig.DEMO_SESSION + " "
                + base + "/api/projects/" + EdgeConfig.DEMO_PROJECT + "/activity");
        out.println("  In a browser console on any page:");
        out.println("    const es = new EventSource('" + base + "/v1/" + EdgeConfig.DEMO_KEY + "/events/"
                + DemoProducer.assetId(1) + "');");
        out.println("    es.addEventListener('stage_completed', (e) => console.log(JSON.parse(e.data)));");
        out.println("    es.addEventListener('ready', () => { console.log('mp4 hot'); es.close(); });");
        out.println();
    }
}
