package com.motioness.edge.demo;

import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventType;
import java.util.ArrayList;
import java.util.List;

/**
 * The script of one demo asset: the events it goes through, in order. Six shapes rotate, so a
 * few minutes of demo show every lifecycle event type: clean runs, a stage retry, a failure after
 * retries, and a cancellation. The {@code webhook_*} events come from the real dispatcher delivering
 * to the {@link DemoReceiver}, which fails on purpose for some assets.
 */
final class DemoLifecycle {
    private static final String[] STAGES = {"storyboard", "render", "upscale", "encode"};

    /** One step: the event type and the fields it carries beyond the common ones. */
    record Step(EventType type, int attempt, String stage, long latencyMs, String errorCode, String errorMsg) {
        AssetEvent.Builder toBuilder() {
            AssetEvent.Builder builder = AssetEvent.builder(type).attempt(attempt);
            if (stage != null) {
                builder.stage(stage);
            }
            if (latencyMs >= 0) {
                builder.latencyMs(latencyMs);
            }
            if (errorCode != null) {
                builder.error(errorCode, errorMsg);
            }
            return builder;
        }
    }

    private DemoLifecycle() {}

    static List<Step> script(long assetNumber, java.util.Random random) {
        List<Step> steps = new ArrayList<>();
        int shape = (int) (assetNumber % 6);
        steps.add(plain(EventType.QUEUED, null));
        steps.add(plain(EventType.VISION_STARTED, null));
        steps.add(new Step(EventType.VISION_COMPLETED, 1, null, latency(random, 400), null, null));
        for (int i = 0; i < STAGES.length; i++) {
            String stage = STAGES[i];
            steps.add(plain(EventType.STAGE_STARTED, stage));
            boolean retriedStage = (shape == 1 && i == 1) || (shape == 4 && i == 2);
            if (retriedStage) {
                int attempts = shape == 4 ? 3 : 2;
                for (int attempt = 1; attempt < attempts + (shape == 4 ? 1 : 0); attempt++) {
                    steps.add(new Step(
                            EventType.STAGE_FAILED,
                            attempt,
                            stage,
                            -1,
                            "GPU_OOM",
                            "worker ran out of GPU memory at 4K"));
                    if (shape == 4 && attempt == attempts) {
                        steps.add(new Step(
                                EventType.FAILED,
                                attempt,
                                stage,
                                -1,
                                "RETRIES_EXHAUSTED",
                                "stage " + stage + " failed " + attempts + " times"));
                        return steps;
                    }
                    steps.add(new Step(EventType.RETRY_SCHEDULED, attempt + 1, stage, -1, null, null));
                    steps.add(new Step(EventType.STAGE_STARTED, attempt + 1, stage, -1, null, null));
                }
                steps.add(new Step(EventType.STAGE_COMPLETED, attempts, stage, latency(random, 1500), null, null));
            } else {
                steps.add(new Step(EventType.STAGE_COMPLETED, 1, stage, latency(random, 1200), null, null));
            }
            if (shape == 5 && i == 1) {
                steps.add(new Step(EventType.CANCELLED, 1, null, -1, null, null));
                return steps;
            }
        }
        steps.add(new Step(EventType.R2_WRITE_COMPLETED, 1, null, latency(random, 150), null, null));
        steps.add(plain(EventType.READY, null));
        return steps;
    }

    private static Step plain(EventType type, String stage) {
        return new Step(type, 1, stage, -1, null, null);
    }

    private static long latency(java.util.Random random, int typical) {
        return typical / 2 + random.nextInt(typical);
    }
}
