package com.motioness.edge.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The real clients the edge is proven with, and whether this machine has them: the npm
 * {@code eventsource} package ({@code npm ci --prefix edge/src/test/node}) and Debian's Chromium
 * driven by playwright-core ({@code apt-get install -y chromium},
 * {@code npm ci --prefix edge/src/test/browser}). A test without its client is skipped; under
 * {@code CI} (set by CI services and by {@code .ci/run}) it fails instead, so CI never skips one
 * silently. {@code MOTIONESS_SKIP_BROWSER_TEST} skips the browser tests on purpose.
 */
public final class RealClients {
    /**
     * The npm clients' scripts and their node_modules: the EventSource client ({@code es-client.mjs})
     * and the Standard Webhooks verifier ({@code verify-webhooks.mjs}).
     */
    public static final Path EVENTSOURCE_DIR = Path.of("src/test/node");
    /** The browser scripts (playwright-core) and the spec's example they run. */
    public static final Path BROWSER_DIR = Path.of("src/test/browser");

    private RealClients() {}

    /** Skips the test without the npm EventSource client; fails instead under CI. */
    public static void requireEventSource() {
        boolean installed = Files.isDirectory(EVENTSOURCE_DIR.resolve("node_modules/eventsource"));
        String message = "the EventSource client test needs npm ci --prefix edge/src/test/node (.ci/setup runs it)";
        requireInCi(installed, message);
        Assumptions.assumeTrue(installed, message);
    }

    /** Skips the test without the {@code openssl} command (its s_client); fails instead under CI. */
    public static void requireOpenssl() {
        boolean installed = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            installed |= Files.isExecutable(Path.of(dir, "openssl"));
        }
        String message = "the TLS resumption test needs the openssl command (.ci/setup installs it)";
        requireInCi(installed, message);
        Assumptions.assumeTrue(installed, message);
    }

    /** Skips the test without the npm standardwebhooks verifier; fails instead under CI. */
    public static void requireWebhookVerifier() {
        boolean installed = Files.isDirectory(EVENTSOURCE_DIR.resolve("node_modules/standardwebhooks"));
        String message = "the webhook verifier test needs npm ci --prefix edge/src/test/node (.ci/setup runs it)";
        requireInCi(installed, message);
        Assumptions.assumeTrue(installed, message);
    }

    /**
     * Skips the test without playwright-core or Chromium, or when {@code MOTIONESS_SKIP_BROWSER_TEST}
     * is set; fails instead under CI.
     *
     * @return the Chromium executable ({@code MOTIONESS_CHROMIUM}, default {@code /usr/bin/chromium})
     */
    public static String requireChromium() {
        if (System.getenv("MOTIONESS_SKIP_BROWSER_TEST") != null) {
            Assumptions.abort("MOTIONESS_SKIP_BROWSER_TEST is set");
        }
        String chromium = System.getenv().getOrDefault("MOTIONESS_CHROMIUM", "/usr/bin/chromium");
        List<String> missing = new ArrayList<>();
        if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core"))) {
            missing.add("playwright-core (npm ci --prefix edge/src/test/browser)");
        }
        if (!Files.isExecutable(Path.of(chromium))) {
            missing.add(chromium + " (apt-get install -y chromium)");
        }
        requireInCi(missing.isEmpty(), "the browser test needs " + missing);
        Assumptions.assumeTrue(missing.isEmpty(), "the browser test needs " + missing + " (.ci/setup installs them)");
        return chromium;
    }

    /** Under CI, fails unless {@code present}: a missing client must not pass as a skipped test. */
    static void requireInCi(boolean present, String message) {
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty() && !ci.equals("false") && !ci.equals("0")) {
            assertTrue(
                    present,
                    message + "; CI must not skip it (set MOTIONESS_SKIP_BROWSER_TEST to skip"
                            + " the browser tests on purpose)");
        }
    }
}
