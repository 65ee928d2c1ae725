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
 *   <li>{@code io.netty.allocator.maxOrder=7}: the pooled allocator's chunks are 1 MiB, not 4 MiB. Each
 *       event loop's arena takes its first chunk with its first buffer and the JDK zeroes it, so the
 *       whole chunk is resident at once: direct memory with 19,000 idle streams was 8.2 MB with 4 MiB
 *       chunks, 2.2 MB with 1 MiB (docs/deploy.md). No buffer on the stream path comes near 1 MiB.
 * </ul>
 */
final class NettyDefaults {
    static final Map<String, String> SETTINGS = Map.of(
            "io.netty.leakDetection.level", "disabled",
            "io.netty.recycler.chunkSize", "1024",
            "io.netty.allocator.maxOrder", "7");

    private NettyDefaults() {}

    /** Sets each of {@link #SETTINGS} that {@code properties} does not already have. */
    static void apply(Properties properties) {
        SETTINGS.forEach(properties::putIfAbsent);
    }
}
