package com.motioness.edge;

import java.util.Map;
import java.util.Properties;

/**
 * Netty settings the edge changes from Netty's defaults, for the fan-out: set at the start of
 * {@code main}, before any Netty class reads them (each reads its own once, when it loads); a value
 * given with {@code -D} on the command line is kept.
 *
 * <ul>
 *   <li>{@code io.netty.leakDetection.level=disabled}: Netty samples one buffer in 128 for its leak
 *       detector, and every buffer derived from a sampled one is tracked too, with a stack trace
 *       when made and another when released. A sampled event frame is duplicated for each of
 *       thousands of subscribers: under a saturating fan-out (10,000 streams, 40 events/s) the
 *       detector made 89 of the 211 MB the I/O loops allocated (JFR allocation samples). Tests
 *       keep Netty's detector, at its strictest.
 *   <li>{@code io.netty.recycler.chunkSize=1024}: Netty's recycler keeps 32 returned objects per
 *       thread at hand and queues the rest in chunks it allocates; the fan-out returns an outbound
 *       entry and a buffer duplicate per write, up to 1,024 writes at once (each flush), so the
 *       queue's chunks were 54 MB of the I/O loops' allocation in the same run, none with 1,024.
 * </ul>
 */
final class NettyDefaults {
    static final Map<String, String> SETTINGS =
            Map.of("io.netty.leakDetection.level", "disabled", "io.netty.recycler.chunkSize", "1024");

    private NettyDefaults() {}

    /** Sets each of {@link #SETTINGS} that {@code properties} does not already have. */
    static void apply(Properties properties) {
        SETTINGS.forEach(properties::putIfAbsent);
    }
}
