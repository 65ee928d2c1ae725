package com.motioness.edge.config;

import static com.motioness.edge.config.Checks.check;

import java.util.List;

/**
 * How much one client, user, key or the whole node may hold: connections, open streams, new streams
 * a second, and which proxies' {@code X-Forwarded-For} names the client those count against.
 *
 * @param maxConnections {@code --max-connections}; 0 means the open-file limit less 500
 * @param maxStreamsPerKey {@code --max-streams-per-key}: open streams per project key; 0: no limit
 * @param maxStreamsPerUser {@code --max-streams-per-user}: open streams per signed-in user; 0: no limit
 * @param maxStreamsPerAddress {@code --max-streams-per-address}: open streams per client address; 0: no limit
 * @param newStreamsPerAddress {@code --new-streams-per-address}: new streams per client address per second, burst
 *     twice that; 0: no limit
 * @param trustedProxies {@code --trusted-proxy}: proxies whose X-Forwarded-For names the client
 */
public record LimitSettings(
        int maxConnections,
        int maxStreamsPerKey,
        int maxStreamsPerUser,
        int maxStreamsPerAddress,
        int newStreamsPerAddress,
        List<String> trustedProxies) {
    /** {@code --max-connections}. */
    public static final Setting<Integer> MAX_CONNECTIONS = Setting.integer(
            "--max-connections",
            "N",
            0,
            "Client connections open at once; one past it is reset (EventSource retries). 0: the open-file"
                    + " limit less 500");
    /** {@code --max-streams-per-key}. */
    public static final Setting<Integer> MAX_STREAMS_PER_KEY =
            Setting.integer("--max-streams-per-key", "N", 20_000, "Open streams per project key; 0: no limit");
    /** {@code --max-streams-per-user}. */
    public static final Setting<Integer> MAX_STREAMS_PER_USER =
            Setting.integer("--max-streams-per-user", "N", 200, "Open streams per signed-in user; 0: no limit");
    /** {@code --max-streams-per-address}. */
    public static final Setting<Integer> MAX_STREAMS_PER_ADDRESS =
            Setting.integer("--max-streams-per-address", "N", 2000, "Open streams per client address; 0: no limit");
    /** {@code --new-streams-per-address}. */
    public static final Setting<Integer> NEW_STREAMS_PER_ADDRESS = Setting.integer(
            "--new-streams-per-address",
            "N",
            100,
            "New streams per client address per second, bursts of twice that; 0: no limit");
    /** {@code --trusted-proxy}. */
    public static final Setting<List<String>> TRUSTED_PROXIES = Setting.list(
            "--trusted-proxy",
            "IP[/BITS]",
            ",",
            List.of(),
            List::copyOf,
            "A proxy or CDN range whose X-Forwarded-For names the client; repeatable");
    /** Every setting of this concern, in the order of {@code --help}. */
    public static final List<Setting<?>> SETTINGS = List.of(
            MAX_CONNECTIONS,
            MAX_STREAMS_PER_KEY,
            MAX_STREAMS_PER_USER,
            MAX_STREAMS_PER_ADDRESS,
            NEW_STREAMS_PER_ADDRESS,
            TRUSTED_PROXIES);

    /**
     * Validates every value.
     *
     * @throws IllegalArgumentException naming the flag of the first invalid one
     */
    public LimitSettings {
        MAX_CONNECTIONS.range(maxConnections, 0, 100_000_000);
        MAX_STREAMS_PER_KEY.range(maxStreamsPerKey, 0, 10_000_000);
        MAX_STREAMS_PER_USER.range(maxStreamsPerUser, 0, 10_000_000);
        MAX_STREAMS_PER_ADDRESS.range(maxStreamsPerAddress, 0, 10_000_000);
        NEW_STREAMS_PER_ADDRESS.range(newStreamsPerAddress, 0, 1_000_000);
        trustedProxies = List.copyOf(trustedProxies);
        trustedProxies.forEach(proxy -> check(
                proxy.matches("[0-9a-fA-F.:]+(/[0-9]{1,3})?"),
                "--trusted-proxy must be an IP address or CIDR range, got \"" + proxy + "\""));
    }

    static LimitSettings from(SettingValues values) {
        return new LimitSettings(
                values.get(MAX_CONNECTIONS),
                values.get(MAX_STREAMS_PER_KEY),
                values.get(MAX_STREAMS_PER_USER),
                values.get(MAX_STREAMS_PER_ADDRESS),
                values.get(NEW_STREAMS_PER_ADDRESS),
                values.get(TRUSTED_PROXIES));
    }
}
