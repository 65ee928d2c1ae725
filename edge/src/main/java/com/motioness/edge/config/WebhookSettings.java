package com.motioness.edge.config;

import static com.motioness.edge.config.Checks.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The webhook dispatcher: whether this process runs one, where it may deliver, and how it retries.
 *
 * @param enabled {@code --webhooks} (on with {@code --demo})
 * @param allowHttp {@code --webhooks-allow-http}: endpoints may be plain http (on with {@code --demo})
 * @param allowPrivate {@code --webhooks-allow-private}: endpoints may resolve to loopback, private,
 *     link-local or metadata addresses (on with {@code --demo}, whose receiver is on loopback)
 * @param timeout {@code --webhook-timeout}: one attempt, connect to last byte
 * @param retrySchedule {@code --webhook-retry-schedule}: the delay before each of the 5 attempts
 * @param maxInFlight {@code --webhook-max-in-flight}: attempts in flight per endpoint in this process
 * @param secretGrace {@code --webhook-secret-grace}: how long a rotated-out secret keeps signing
 * @param park {@code --webhook-park}: how long an endpoint is parked after 5 consecutive failures,
 *     doubled at each failed probe up to 60 times this
 * @param poll {@code --webhook-poll}: how often due retries are looked for
 */
public record WebhookSettings(
        boolean enabled,
        boolean allowHttp,
        boolean allowPrivate,
        Duration timeout,
        List<Duration> retrySchedule,
        int maxInFlight,
        Duration secretGrace,
        Duration park,
        Duration poll) {
    /** The contract's number of attempts per delivery. */
    public static final int ATTEMPTS = 5;

    /** {@code --webhooks}. */
    public static final Setting<Boolean> WEBHOOKS = Setting.toggle(
            "--webhooks",
            "Run a webhook dispatcher in this process (on with --demo); in Redis mode every process with it shares the work");
    /** {@code --webhooks-allow-http}. */
    public static final Setting<Boolean> ALLOW_HTTP = Setting.toggle(
            "--webhooks-allow-http", "Accept plain http endpoint URLs (on with --demo; https only otherwise)");
    /** {@code --webhooks-allow-private}. */
    public static final Setting<Boolean> ALLOW_PRIVATE = Setting.toggle(
            "--webhooks-allow-private",
            "Deliver to loopback, private, link-local and metadata addresses (on with --demo; refused otherwise)");
    /** {@code --webhook-timeout}. */
    public static final Setting<Duration> TIMEOUT = Setting.duration(
            "--webhook-timeout",
            Duration.ofSeconds(10),
            "Time one delivery attempt may take, connect to response; past it the attempt failed (TIMEOUT)");
    /** {@code --webhook-retry-schedule}. */
    public static final Setting<List<Duration>> RETRY_SCHEDULE = Setting.<List<Duration>>list(
                    "--webhook-retry-schedule",
                    "DELAYS",
                    ",",
                    List.of(
                            Duration.ZERO,
                            Duration.ofSeconds(30),
                            Duration.ofMinutes(5),
                            Duration.ofMinutes(30),
                            Duration.ofHours(2)),
                    WebhookSettings::schedule,
                    "The delay before each of the 5 attempts, each spread by ±20% jitter (--demo: 0s,1s,2s,4s,8s)")
            .shown("0s,30s,5m,30m,2h");
    /** {@code --webhook-max-in-flight}. */
    public static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer(
            "--webhook-max-in-flight",
            "N",
            16,
            "Attempts in flight per endpoint in this process; more wait their turn, so one slow endpoint holds only these");
    /** {@code --webhook-secret-grace}. */
    public static final Setting<Duration> SECRET_GRACE = Setting.duration(
            "--webhook-secret-grace",
            Duration.ofHours(24),
            "After a secret rotation, how long the previous secret keeps signing beside the new one");
    /** {@code --webhook-park}. */
    public static final Setting<Duration> PARK = Setting.duration(
            "--webhook-park",
            Duration.ofSeconds(1),
            "An endpoint failing 5 attempts in a row is parked this long, doubled at each failed probe up to 60 times this");
    /** {@code --webhook-poll}. */
    public static final Setting<Duration> POLL = Setting.duration(
            "--webhook-poll", Duration.ofMillis(100), "How often the dispatcher looks for retries that came due");
    /** Every setting of this concern, in the order of {@code --help}. */
    public static final List<Setting<?>> SETTINGS = List.of(
            WEBHOOKS, ALLOW_HTTP, ALLOW_PRIVATE, TIMEOUT, RETRY_SCHEDULE, MAX_IN_FLIGHT, SECRET_GRACE, PARK, POLL);

    /**
     * Validates every value.
     *
     * @throws IllegalArgumentException naming the flag of the first invalid one
     */
    public WebhookSettings {
        check(
                timeout != null && timeout.toMillis() >= 1 && timeout.compareTo(Duration.ofMinutes(5)) <= 0,
                "--webhook-timeout must be between 1ms and 5m, got " + Checks.shown(timeout));
        retrySchedule = List.copyOf(retrySchedule);
        check(
                retrySchedule.size() == ATTEMPTS,
                "--webhook-retry-schedule needs " + ATTEMPTS + " delays, one per attempt, got " + retrySchedule.size());
        MAX_IN_FLIGHT.range(maxInFlight, 1, 10_000);
        check(
                secretGrace != null && !secretGrace.isNegative() && secretGrace.compareTo(Duration.ofDays(30)) <= 0,
                "--webhook-secret-grace must be between 0s and 30d, got " + Checks.shown(secretGrace));
        check(
                park != null && park.toMillis() >= 1 && park.compareTo(Duration.ofHours(1)) <= 0,
                "--webhook-park must be between 1ms and 1h, got " + Checks.shown(park));
        check(
                poll != null && poll.toMillis() >= 1 && poll.compareTo(Duration.ofSeconds(10)) <= 0,
                "--webhook-poll must be between 1ms and 10s, got " + Checks.shown(poll));
    }

    /**
     * The demo's schedule unless one is given: 15 s in all, so the demo's dead letter shows in its
     * first minute.
     */
    static final List<Duration> DEMO_SCHEDULE = List.of(
            Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));

    /** The demo turns the dispatcher on, delivering to its own receiver on loopback over http. */
    static WebhookSettings from(SettingValues values, boolean demo) {
        List<Duration> schedule = demo && !values.isGiven(RETRY_SCHEDULE) ? DEMO_SCHEDULE : values.get(RETRY_SCHEDULE);
        return new WebhookSettings(
                demo || values.get(WEBHOOKS),
                demo || values.get(ALLOW_HTTP),
                demo || values.get(ALLOW_PRIVATE),
                values.get(TIMEOUT),
                schedule,
                values.get(MAX_IN_FLIGHT),
                values.get(SECRET_GRACE),
                values.get(PARK),
                values.get(POLL));
    }

    private static List<Duration> schedule(List<String> delays) {
        List<Duration> parsed = new ArrayList<>(delays.size());
        for (String delay : delays) {
            Duration duration;
            try {
                duration = Durations.parse(delay);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--webhook-retry-schedule: " + e.getMessage(), e);
            }
            check(
                    !duration.isNegative() && duration.compareTo(Duration.ofDays(7)) <= 0,
                    "--webhook-retry-schedule: each delay must be between 0s and 7d, got " + delay);
            parsed.add(duration);
        }
        return parsed;
    }
}
