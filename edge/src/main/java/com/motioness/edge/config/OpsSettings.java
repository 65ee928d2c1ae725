package com.motioness.edge.config;

import static com.motioness.edge.config.Checks.check;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine;

/**
 * Running the node: its admin port (metrics, health, readiness), how SIGTERM drains it, its access
 * log, and the built-in demo.
 *
 * @param adminPort {@code --admin-port}: port of /metrics, /healthz and /readyz; 0: any free port; -1: no admin
 *     port. Unless given, {@code --port} + {@link #ADMIN_PORT_OFFSET}, or any free port when {@code --port} is 0
 * @param adminBind {@code --admin-bind}: address of the admin port
 * @param drainWindow {@code --drain-window}: how long SIGTERM spreads the closing of open streams over; 0: at once
 * @param accessLogSample {@code --access-log}: the fraction of closed streams logged, 0 (off) to 1 (every one)
 * @param demo {@code --demo}
 */
public record OpsSettings(int adminPort, String adminBind, Duration drainWindow, double accessLogSample, boolean demo) {
    /**
     * {@code --admin-port}'s default is {@code --port} plus this: 9080 beside 8080. Derived rather than
     * fixed so that edges on one machine, each on its own port, never collide on the admin port, and
     * still predictable for a scrape configuration; not 9090, which is Prometheus's own port.
     */
    public static final int ADMIN_PORT_OFFSET = 1000;

    /** {@code --admin-port}; null unless given: it is derived from {@code --port}. */
    public static final Setting<Integer> ADMIN_PORT = Setting.of(
            "--admin-port",
            "PORT",
            Integer.class,
            null,
            null,
            "--port + " + ADMIN_PORT_OFFSET + ", so " + (8080 + ADMIN_PORT_OFFSET)
                    + " beside 8080; a free one with --port 0",
            "Port of /metrics, /healthz and /readyz; 0 picks a free one, -1 turns it off");
    /** {@code --admin-bind}. */
    public static final Setting<String> ADMIN_BIND = Setting.text(
            "--admin-bind",
            "ADDRESS",
            "127.0.0.1",
            "Address of the admin port; loopback unless a scraper elsewhere needs it");
    /** {@code --drain-window}. */
    public static final Setting<Duration> DRAIN_WINDOW = Setting.duration(
            "--drain-window",
            Duration.ofSeconds(20),
            "On SIGTERM, open streams are closed spread over this long, then the process exits; 0s: all at once");
    /** {@code --access-log}. */
    public static final Setting<Double> ACCESS_LOG = Setting.of(
            "--access-log",
            "off|on|FRACTION",
            double.class,
            new SampleConverter(),
            1.0,
            "on",
            "One line per closed stream on logger motioness.access: off, on, or the fraction of streams logged");
    /** {@code --demo}. */
    public static final Setting<Boolean> DEMO = Setting.toggle(
            "--demo",
            "Run the built-in demo producer (key " + AuthSettings.DEMO_KEY + ", session " + AuthSettings.DEMO_SESSION
                    + ")");
    /** Every setting of this concern, in the order of {@code --help}. */
    public static final List<Setting<?>> SETTINGS = List.of(ADMIN_PORT, ADMIN_BIND, DRAIN_WINDOW, ACCESS_LOG, DEMO);

    /**
     * Validates every value.
     *
     * @throws IllegalArgumentException naming the flag of the first invalid one
     */
    public OpsSettings {
        ADMIN_PORT.range(adminPort, -1, 65_535);
        check(adminBind != null && !adminBind.isBlank(), "--admin-bind must name an address");
        check(
                drainWindow != null && !drainWindow.isNegative() && drainWindow.compareTo(Duration.ofHours(1)) <= 0,
                "--drain-window must be between 0s and 1h, got " + Checks.shown(drainWindow));
        check(
                accessLogSample >= 0 && accessLogSample <= 1,
                "--access-log must be off, on or a fraction between 0 and 1, got " + accessLogSample);
    }

    /** Derives the admin port from {@code port} unless it was given. */
    static OpsSettings from(SettingValues values, int port) {
        Integer given = values.get(ADMIN_PORT);
        int admin = given != null ? given : port == 0 ? 0 : port + ADMIN_PORT_OFFSET;
        check(
                given != null || admin <= 65_535,
                "--admin-port defaults to --port + " + ADMIN_PORT_OFFSET + ", past 65535 for --port " + port
                        + ": give --admin-port (-1: none)");
        return new OpsSettings(
                admin, values.get(ADMIN_BIND), values.get(DRAIN_WINDOW), values.get(ACCESS_LOG), values.get(DEMO));
    }

    /** Converts {@code off} (0), {@code on} (1) or a fraction between 0 and 1. */
    static final class SampleConverter implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            if (value.equals("off")) {
                return 0.0;
            }
            if (value.equals("on")) {
                return 1.0;
            }
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(
                        "expected off, on or a fraction like 0.1, got \"" + value + "\"");
            }
        }
    }
}
