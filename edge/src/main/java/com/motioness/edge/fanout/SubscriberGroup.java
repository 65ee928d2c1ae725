package com.motioness.edge.fanout;

/**
 * The subscribers of one stream on one event loop. Loop-confined, unordered, with O(1) removal by
 * swapping the last member into the hole; delivery walks backwards so a member that ends itself
 * during delivery (terminal event, slow consumer) is removed without skipping anyone.
 */
final class SubscriberGroup {
    private Subscription[] members = new Subscription[4];
    private int size;

    void add(Subscription subscription) {
        if (size == members.length) {
            members = java.util.Arrays.copyOf(members, size * 2);
        }
        subscription.groupIndex = size;
        members[size++] = subscription;
    }

    void remove(Subscription subscription) {
        int index = subscription.groupIndex;
        Subscription last = members[--size];
        members[index] = last;
        last.groupIndex = index;
        members[size] = null;
        subscription.groupIndex = -1;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Delivers {@code frames[0..count)}, in order, to each member in turn. */
    void deliver(SharedFrame[] frames, int count, long nowNanos, LoopFanout fanout) {
        for (int i = size - 1; i >= 0; i--) {
            Subscription subscription = members[i];
            for (int f = 0; f < count; f++) {
                if (subscription.onLive(frames[f], nowNanos)) {
                    fanout.markDirty(subscription);
                }
                if (subscription.groupIndex != i) {
                    // It ended (terminal event, slow consumer) and left the group: nothing more for it.
                    break;
                }
            }
        }
    }
}
