package com.motioness.edge.log.embedded;

import com.motioness.edge.log.LoggedEvent;
import com.motioness.protocol.EventId;
import java.util.ArrayList;
import java.util.List;

/**
 * The retained tail of one stream: a growable circular array of events in id order, at most
 * {@code maxCount} long, with random access so a cursor is found by binary search. Not thread-safe;
 * the log guards it.
 */
final class StreamWindow {
    private static final int INITIAL_CAPACITY = 8;

    private final String ownerProjectId;
    private final int maxCount;
    private LoggedEvent[] events;
    private int head;
    private int size;
    private EventId trimmedThrough;
    private EventId terminalId;
    private LoggedEvent newest;

    StreamWindow(String ownerProjectId, int maxCount) {
        this.ownerProjectId = ownerProjectId;
        this.maxCount = maxCount;
        this.events = new LoggedEvent[Math.min(INITIAL_CAPACITY, maxCount)];
    }

    String ownerProjectId() {
        return ownerProjectId;
    }

    int size() {
        return size;
    }

    EventId trimmedThrough() {
        return trimmedThrough;
    }

    EventId terminalId() {
        return terminalId;
    }

    /** The newest event the stream took, retained or trimmed since; null when it took none. */
    EventId newestId() {
        return newest == null ? null : newest.id();
    }

    /** Appends an event with an id greater than every retained one, evicting the oldest if full. */
    void add(LoggedEvent event) {
        if (size == maxCount) {
            evictOldest();
        } else if (size == events.length) {
            grow();
        }
        events[(head + size) % events.length] = event;
        size++;
        newest = event;
        // The terminal event ends the stream: the log adds nothing to an asset after it (webhook_*
        // events go to the project's window only), so a reconnect at the terminal cursor gets 204.
        if (terminalId == null && event.type().isTerminal()) {
            terminalId = event.id();
        }
    }

    /** Evicts events whose id milliseconds are older than {@code cutoffMs}. */
    void trimOlderThan(long cutoffMs) {
        while (size > 0 && at(0).ms() < cutoffMs) {
            evictOldest();
        }
    }

    /** Copies at most {@code limit} events with ids strictly after {@code after} (null: all). */
    List<LoggedEvent> readAfter(EventId after, int limit, boolean[] more) {
        int from = after == null ? 0 : firstAfter(after.ms(), after.seq());
        int count = Math.min(limit, size - from);
        more[0] = size - from > count;
        List<LoggedEvent> page = new ArrayList<>(Math.max(count, 0));
        for (int i = 0; i < count; i++) {
            page.add(at(from + i));
        }
        return page;
    }

    /** The id of the retained event just before the newest {@code count}, or ZERO when there are no more than that. */
    EventId idBeforeNewest(int count) {
        return size > count ? at(size - count - 1).id() : EventId.ZERO;
    }

    private int firstAfter(long ms, long seq) {
        int low = 0;
        int high = size;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (at(mid).isAfter(ms, seq)) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    private LoggedEvent at(int index) {
        return events[(head + index) % events.length];
    }

    private void evictOldest() {
        LoggedEvent oldest = events[head];
        events[head] = null;
        head = (head + 1) % events.length;
        size--;
        trimmedThrough = oldest.id();
    }

    private void grow() {
        LoggedEvent[] bigger = new LoggedEvent[Math.min(events.length * 2, maxCount)];
        for (int i = 0; i < size; i++) {
            bigger[i] = at(i);
        }
        events = bigger;
        head = 0;
    }
}
