package com.motioness.perf.webhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs a {@link WebhookReceiver} until killed. Prints {@code webhook receiver listening on <port>
 * control <port>} once it listens (scripts wait for that line), and the final report as one JSON
 * line when stopped.
 */
@Command(
        name = "webhook-receiver",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Standard Webhooks receiver for load tests: verifies, deduplicates, measures.")
public final class WebhookReceiverMain implements Callable<Integer> {

    @Option(names = "--bind", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind = "127.0.0.1";

    @Option(names = "--port", description = "Delivery port; 0: any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--control-port", description = "Control port; 0: any free one (default: ${DEFAULT-VALUE}).")
    int controlPort;

    @Option(names = "--threads", description = "Event loops for deliveries (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--secrets", description = "File of lines '<path> <secret>', e.g. '/hook/3 whsec_...'.")
    Path secrets;

    @Option(
            names = "--mode",
            description =
                    "<path>=<mode>: ok, fail:<status>, hang or close; path * for every other endpoint (repeatable).")
    List<String> modes = new ArrayList<>();

    /** Runs the receiver from the command line. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new WebhookReceiverMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        WebhookReceiver receiver = WebhookReceiver.start(bind, port, controlPort, threads);
        if (secrets != null) {
            receiver.addSecrets(Files.readString(secrets));
        }
        for (String mode : modes) {
            int eq = mode.lastIndexOf('=');
            if (eq < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--mode is <path>=<mode>, got " + mode);
            }
            receiver.mode(mode.substring(0, eq), EndpointMode.parse(mode.substring(eq + 1)));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(receiver.reportJson());
            System.out.flush();
            receiver.close();
            stopped.countDown();
        }));
        System.out.println(
                "webhook receiver listening on " + receiver.hookPort() + " control " + receiver.controlPort());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
