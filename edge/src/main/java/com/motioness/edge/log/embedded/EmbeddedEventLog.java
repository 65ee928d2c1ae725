package com.motioness.edge.log.embedded;

import com.motioness.edge.log.EventLog;
import com.motioness.edge.log.LogUnavailableException;
import com.motioness.edge.log.LoggedEvent;
import com.motioness.edge.log.ReplayPage;
import com.motioness.edge.log.StreamRef;
import com.motioness.edge.ring.EventRing;
import com.motioness.protocol.AssetEndedException;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.IdempotencyKeyReusedException;
import com.motioness.protocol.StoredBatch;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The event log of a single machine: every stream's retained tail in memory, bounded per stream
 * by count and by age. Ids follow Redis stream ids ({@code <ms>-<seq>} from the wall clock, never
 * going back), so the Redis backbone can replace this class without clients noticing.
 *
 * <p>One lock guards the streams and the id counter. Appends publish to the ring while holding
 * it, which keeps the live feed in id order and after the events became readable (the seam rule
 * of {@link EventLog}). Nothing on the delivery path takes this lock: only ingest, replay reads
 * and the retention sweep do.
 */
public final class EmbeddedEventLog implements EventLog {
    /** Idempotency keys remembered at most; past it the oldest is forgotten before its window ends. */
    public static final int MAX_IDEMPOTENCY_KEYS = 100_000;

    private final EventRing ring;
    private final int retentionCount;
    private final long retentionAgeMs;
    private final Clock clock;
    private final ScheduledExecutorService sweeper;

    private final Object lock = new Object();
    private final Map<String, StreamWindow> assets = new HashMap<>();
    private final Map<String, StreamWindow> projects = new HashMap<>();
    private final IdempotencyRecords idempotency;
    /** Memory only: a restart loses every event, so the history begins when this log is made. */
    private final EventId historyStart;

    private long lastMs = -1;
    private long lastSeq;

    /** With the default idempotency window ({@link IdempotencyKey#DEFAULT_WINDOW}). */
    public EmbeddedEventLog(EventRing ring, int retentionCount, Duration retentionAge, Clock clock) {
        this(ring, retentionCount, retentionAge, IdempotencyKey.DEFAULT_WINDOW, clock);
    }

    /**
     * @param ring the live feed every appended event is published to
     * @param retentionCount events kept per stream
     * @param retentionAge how long an event is kept
     * @param idempotencyWindow how long a batch's idempotency key is remembered
     * @param clock the source of id milliseconds (tests pass a fixed clock to force shared ms)
     */
    public EmbeddedEventLog(
            EventRing ring, int retentionCount, Duration retentionAge, Duration idempotencyWindow, Clock clock) {
        this.ring = ring;
        this.retentionCount = retentionCount;
        this.retentionAgeMs = retentionAge.toMillis();
        this.clock = clock;
        this.historyStart = new EventId(clock.millis(), 0);
        this.idempotency = new IdempotencyRecords(idempotencyWindow.toMillis(), MAX_IDEMPOTENCY_KEYS);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "motioness-retention");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(100, Math.min(1000, retentionAgeMs / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<StoredBatch> append(List<AssetEvent> events, IdempotencyKey key) {
        byte[][] json = new byte[events.size()][];
        for (int i = 0; i < json.length; i++) {
            json[i] = EventJson.encode(events.get(i));
        }
        byte[] digest = key == null ? null : IdempotencyRecords.digest(json);
        LoggedEvent[] logged = new LoggedEvent[events.size()];
        boolean[] afterEnd = new boolean[events.size()];
        synchronized (lock) {
            if (key != null) {
                // Before anything else: a retry of a stored batch is answered, not checked again
                // (its asset may have ended with it).
                IdempotencyRecords.Stored stored = idempotency.find(key, clock.millis());
                if (stored != null) {
                    return stored.sameBatch(digest)
                            ? CompletableFuture.completedFuture(new StoredBatch(stored.ids(), true))
                            : CompletableFuture.failedFuture(IdempotencyKeyReusedException.of(key));
                }
            }
            Exception conflict = conflict(events, afterEnd);
            if (conflict != null) {
                return CompletableFuture.failedFuture(conflict);
            }
            // This log is the ring's only publisher and publishes under this lock, so room checked
            // here is still there below: a batch is refused whole, never half written.
            if (ring.capacity() - ring.occupancy() < logged.length) {
                return CompletableFuture.failedFuture(new LogUnavailableException("event ring is full"));
            }
            long ms = Math.max(clock.millis(), lastMs);
            long seq = ms == lastMs ? lastSeq + 1 : 0;
            for (int i = 0; i < logged.length; i++, seq++) {
                AssetEvent event = events.get(i);
                logged[i] = new LoggedEvent(ms, seq, event.type(), event.projectId(), event.assetId(), json[i]);
                // After the terminal event the asset's stream stays as it is: it ends there.
                if (!afterEnd[i]) {
                    assets.computeIfAbsent(event.assetId(), id -> new StreamWindow(event.projectId(), retentionCount))
                            .add(logged[i]);
                }
                projects.computeIfAbsent(event.projectId(), id -> new StreamWindow(id, retentionCount))
                        .add(logged[i]);
            }
            lastMs = ms;
            lastSeq = seq - 1;
            if (!ring.tryPublish(logged)) {
                throw new IllegalStateException("ring refused a batch it had room for");
            }
            if (key != null) {
                idempotency.add(key, digest, ms, logged[0].seq(), logged.length, clock.millis());
            }
        }
        List<EventId> ids = new ArrayList<>(logged.length);
        for (LoggedEvent event : logged) {
            ids.add(event.id());
        }
        return CompletableFuture.completedFuture(new StoredBatch(ids, false));
    }

    /**
     * What the log refuses of a batch, event by event in order (as the Redis function does), or
     * null. An asset belongs to the project of its first event; a later event may not move it.
     * After an asset's terminal event only webhook_* events are taken, and only for its project's
     * feed: {@code afterEnd} marks them.
     */
    private Exception conflict(List<AssetEvent> events, boolean[] afterEnd) {
        Map<String, String> ownersInBatch = events.size() > 1 ? new HashMap<>() : null;
        Map<String, Integer> endedInBatch = null;
        for (int i = 0; i < events.size(); i++) {
            AssetEvent event = events.get(i);
            int index = events.size() > 1 ? i : -1;
            StreamWindow window = assets.get(event.assetId());
            String owner = window != null
                    ? window.ownerProjectId()
                    : ownersInBatch != null ? ownersInBatch.putIfAbsent(event.assetId(), event.projectId()) : null;
            if (owner != null && !owner.equals(event.projectId())) {
                return new EventValidationException("asset_id", "belongs to another project").atIndex(index);
            }
            EventId stored = window != null ? window.terminalId() : null;
            Integer inBatch = endedInBatch != null ? endedInBatch.get(event.assetId()) : null;
            if (stored != null || inBatch != null) {
                if (!event.type().mayFollowTerminal()) {
                    return AssetEndedException.of(event.assetId(), stored, inBatch == null ? -1 : inBatch, index);
                }
                afterEnd[i] = true;
            } else if (event.type().isTerminal()) {
                if (endedInBatch == null) {
                    endedInBatch = new HashMap<>();
                }
                endedInBatch.put(event.assetId(), i);
            }
        }
        return null;
    }

    @Override
    public CompletableFuture<ReplayPage> read(StreamRef stream, EventId after, int limit) {
        boolean[] more = new boolean[1];
        synchronized (lock) {
            StreamWindow window = (stream.isAsset() ? assets : projects).get(stream.id());
            if (window == null) {
                return CompletableFuture.completedFuture(
                        stream.isAsset()
                                ? ReplayPage.notFound(historyStart)
                                : new ReplayPage(List.of(), false, stream.id(), null, null, null, historyStart));
            }
            List<LoggedEvent> page = window.readAfter(after, limit, more);
            // Only an asset ends; a project's feed goes on past any one asset's terminal event.
            EventId terminal = stream.isAsset() ? window.terminalId() : null;
            return CompletableFuture.completedFuture(new ReplayPage(
                    page,
                    more[0],
                    window.ownerProjectId(),
                    terminal,
                    window.trimmedThrough(),
                    window.newestId(),
                    historyStart));
        }
    }

    @Override
    public CompletableFuture<EventId> cursorBeforeNewest(String projectId, int count) {
        synchronized (lock) {
            StreamWindow window = projects.get(projectId);
            return CompletableFuture.completedFuture(window == null ? EventId.ZERO : window.idBeforeNewest(count));
        }
    }

    /**
     * Drops events older than the retention age (an asset whose last event expired is forgotten)
     * and idempotency keys older than their window.
     */
    void sweep() {
        long now = clock.millis();
        long cutoff = now - retentionAgeMs;
        synchronized (lock) {
            idempotency.expire(now);
            for (Iterator<StreamWindow> it = assets.values().iterator(); it.hasNext(); ) {
                StreamWindow window = it.next();
                window.trimOlderThan(cutoff);
                if (window.size() == 0) {
                    it.remove();
                }
            }
            // Project windows stay even when empty: they remember what was trimmed, so a late
            // cursor is still told that its replay is incomplete.
            for (StreamWindow window : projects.values()) {
                window.trimOlderThan(cutoff);
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
