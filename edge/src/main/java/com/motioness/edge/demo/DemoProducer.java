package com.motioness.edge.demo;

import com.motioness.edge.log.EventLog;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in producer of {@code --demo}: starts a new asset every few seconds on the demo
 * project ({@code demo-asset-1}, {@code demo-asset-2}, ...) and walks each through a realistic
 * lifecycle, appending to the log exactly as an ingest request would.
 */
public final class DemoProducer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoProducer.class);

    private final EventLog log;
    private final String projectId;
    private final Duration stepDelay;
    private final ScheduledExecutorService timer;
    private final Random random = new Random();
    private long assets;

    /**
     * Starts producing at once.
     *
     * @param newAssetEvery how often a new asset starts
     * @param stepDelay the typical pause between two events of an asset (randomized ±50%)
     */
    public DemoProducer(EventLog log, String projectId, Duration newAssetEvery, Duration stepDelay) {
        this.log = log;
        this.projectId = projectId;
        this.stepDelay = stepDelay;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "motioness-demo");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::startAsset, 0, newAssetEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The id the demo gives its n-th asset (from 1). */
    public static String assetId(long n) {
        return "demo-asset-" + n;
    }

    private void startAsset() {
        long n = ++assets;
        List<DemoLifecycle.Step> script = DemoLifecycle.script(n, random);
        LOG.info("demo: {} starts ({} events)", assetId(n), script.size());
        emit(n, script, 0);
    }

    private void emit(long n, List<DemoLifecycle.Step> script, int index) {
        DemoLifecycle.Step step = script.get(index);
        try {
            AssetEvent event = step.toBuilder()
                    .assetId(assetId(n))
                    .projectId(projectId)
                    .ts(System.currentTimeMillis())
                    .requestId("req-" + n + "-" + (index + 1))
                    .build();
            log.append(List.of(event)).whenComplete((ids, error) -> {
                if (error != null) {
                    LOG.warn("demo: append failed: {}", error.toString());
                }
            });
        } catch (EventValidationException e) {
            throw new IllegalStateException("demo script produced an invalid event", e);
        }
        if (index + 1 < script.size()) {
            long typical = stepDelay.toMillis();
            long delay = typical / 2 + random.nextInt((int) Math.max(1, typical));
            timer.schedule(() -> emit(n, script, index + 1), delay, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
