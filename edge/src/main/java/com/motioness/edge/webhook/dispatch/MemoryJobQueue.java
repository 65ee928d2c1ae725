package com.motioness.edge.webhook.dispatch;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * The jobs of the embedded mode, in this process's memory: <b>not durable</b>. A restart loses every
 * job not yet delivered, as it loses the embedded log's events. Leases work as in Redis, so a job
 * whose outcome could not be recorded (the log refused the event) is attempted again once its lease
 * runs out. Thread-safe: the dispatcher claims while the API may redeliver.
 */
final class MemoryJobQueue implements JobQueue {
    private final Clock clock;
    private final long leaseMs;
    private final Map<String, Entry> byId = new HashMap<>();
    private final PriorityQueue<Entry> byTime = new PriorityQueue<>((a, b) -> Long.compare(a.atMs, b.atMs));

    /** One state of a job; replaced, never changed, so a stale one in {@code byTime} is skipped. */
    private record Entry(WebhookJob job, long atMs, boolean leased) {}

    MemoryJobQueue(Clock clock, long leaseMs) {
        this.clock = clock;
        this.leaseMs = leaseMs;
    }

    /** New jobs already leased to the caller, which sends their first attempt now. */
    synchronized void addLeased(List<WebhookJob> jobs) {
        long until = clock.millis() + leaseMs;
        for (WebhookJob job : jobs) {
            put(new Entry(job, until, true));
        }
    }

    private void put(Entry entry) {
        byId.put(entry.job.messageId(), entry);
        byTime.add(entry);
    }

    @Override
    public synchronized CompletableFuture<List<WebhookJob>> claim(int max) {
        long now = clock.millis();
        List<WebhookJob> claimed = new ArrayList<>();
        List<Entry> leased = new ArrayList<>();
        while (claimed.size() < max && !byTime.isEmpty() && byTime.peek().atMs <= now) {
            Entry entry = byTime.poll();
            if (byId.get(entry.job.messageId()) == entry) {
                claimed.add(entry.job);
                leased.add(new Entry(entry.job, now + leaseMs, true));
            }
        }
        leased.forEach(this::put);
        return CompletableFuture.completedFuture(claimed);
    }

    @Override
    public synchronized CompletableFuture<Void> complete(WebhookJob job) {
        byId.remove(job.messageId());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> schedule(WebhookJob job, long delayMs) {
        put(new Entry(job, clock.millis() + delayMs, false));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<long[]> counts() {
        long due = 0;
        for (Entry entry : byId.values()) {
            if (!entry.leased) {
                due++;
            }
        }
        return CompletableFuture.completedFuture(new long[] {byId.size(), due});
    }

    @Override
    public synchronized void close() {
        byId.clear();
        byTime.clear();
    }
}
