package com.motioness.edge.config;

import static com.motioness.edge.config.Checks.check;

import java.time.Duration;
import java.util.List;

/**
 * How an open stream behaves: pings, its cap, the reconnection delay it advises, how long it may
 * stay unwritable, its write buffer, and how far the activity feed's tail reaches back. (What a
 * subscription needs at run time is {@code fanout.StreamSettings}, made from these.)
 *
 * @param pingInterval {@code --ping-interval}
 * @param maxStreamDuration {@code --max-stream-duration}
 * @param retry {@code --retry}
 * @param slowConsumerTimeout {@code --slow-consumer-timeout}
 * @param writeBufferHigh {@code --write-buffer-high}
 * @param feedTailMax {@code --feed-tail-max}: the most events the activity feed replays for {@code ?tail=N}; a
 *     larger N is capped to it, and 0 turns tails off (the feed starts live)
 * @param deliverySlice {@code --delivery-slice}: the longest a loop writes one run of events to its
 *     subscribers before it reads its sockets again
 */
public record StreamingSettings(
        Duration pingInterval,
        Duration maxStreamDuration,
        Duration retry,
        Duration slowConsumerTimeout,
        int writeBufferHigh,
        int feedTailMax,
        Duration deliverySlice) {
    /** The most {@code --feed-tail-max} may be: each feed opened with a tail reads that many events. */
    public static final int MAX_FEED_TAIL = 10_000;

    /** {@code --ping-interval}. */
    public static final Setting<Duration> PING_INTERVAL =
            Setting.duration("--ping-interval", Duration.ofSeconds(15), "Send ': ping' on a stream idle this long");
    /** {@code --max-stream-duration}. */
    public static final Setting<Duration> MAX_STREAM_DURATION = Setting.duration(
            "--max-stream-duration",
            Duration.ofMinutes(5),
            "Hard cap of one stream; each closes up to 10%% (at most 30s) earlier, at random");
    /** {@code --retry}. */
    public static final Setting<Duration> RETRY =
            Setting.duration("--retry", Duration.ofSeconds(3), "Reconnection delay advised to clients in 'retry:'");
    /** {@code --slow-consumer-timeout}. */
    public static final Setting<Duration> SLOW_CONSUMER_TIMEOUT = Setting.duration(
            "--slow-consumer-timeout",
            Duration.ofSeconds(5),
            "How long a stream may stay unwritable before it is cut; the client resumes");
    /** {@code --write-buffer-high}. */
    public static final Setting<Integer> WRITE_BUFFER_HIGH = Setting.size(
            "--write-buffer-high",
            128 * 1024,
            "Per-connection write high-water mark; low is half, 4x is the hard ceiling");
    /** {@code --feed-tail-max}; its default: as many as the dashboard's feed list shows, two replay pages. */
    public static final Setting<Integer> FEED_TAIL_MAX = Setting.integer(
            "--feed-tail-max",
            "N",
            500,
            "Most events the activity feed replays for ?tail=N, a larger N is capped to it; 0: tails off");
    /**
     * {@code --delivery-slice}. An event of an asset with thousands of subscribers on a loop takes
     * that loop tens of milliseconds to write; cut into slices, a request read by the loop (an
     * ingest, a new stream) waits one slice, not the whole fan-out. Shorter costs a look at the
     * sockets per slice (a few microseconds); 0 looks after every 16 subscribers.
     */
    public static final Setting<Duration> DELIVERY_SLICE = Setting.duration(
            "--delivery-slice",
            Duration.ofMillis(2),
            "Longest a loop writes one event to its subscribers before it reads its sockets again");
    /** Every setting of this concern, in the order of {@code --help}. */
    public static final List<Setting<?>> SETTINGS = List.of(
            PING_INTERVAL,
            MAX_STREAM_DURATION,
            RETRY,
            SLOW_CONSUMER_TIMEOUT,
            WRITE_BUFFER_HIGH,
            FEED_TAIL_MAX,
            DELIVERY_SLICE);

    /**
     * Validates every value.
     *
     * @throws IllegalArgumentException naming the flag of the first invalid one
     */
    public StreamingSettings {
        PING_INTERVAL.positive(pingInterval);
        MAX_STREAM_DURATION.positive(maxStreamDuration);
        check(
                retry != null && !retry.isNegative() && retry.compareTo(Duration.ofHours(1)) <= 0,
                "--retry must be between 0 and 1h, got " + Checks.shown(retry));
        SLOW_CONSUMER_TIMEOUT.positive(slowConsumerTimeout);
        WRITE_BUFFER_HIGH.range(writeBufferHigh, 4 * 1024, 16 * 1024 * 1024);
        FEED_TAIL_MAX.range(feedTailMax, 0, MAX_FEED_TAIL);
        check(
                deliverySlice != null
                        && !deliverySlice.isNegative()
                        && deliverySlice.compareTo(Duration.ofSeconds(1)) <= 0,
                "--delivery-slice must be between 0ms and 1s, got " + Checks.shown(deliverySlice));
    }

    static StreamingSettings from(SettingValues values) {
        return new StreamingSettings(
                values.get(PING_INTERVAL),
                values.get(MAX_STREAM_DURATION),
                values.get(RETRY),
                values.get(SLOW_CONSUMER_TIMEOUT),
                values.get(WRITE_BUFFER_HIGH),
                values.get(FEED_TAIL_MAX),
                values.get(DELIVERY_SLICE));
    }
}
