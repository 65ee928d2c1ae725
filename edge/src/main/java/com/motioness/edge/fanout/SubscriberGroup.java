package com.motioness.edge.fanout;

import com.motioness.edge.log.StreamRef;

/**
 * The subscribers of one stream on one event loop. Loop-confined, unordered, with O(1) removal by
 * swapping the last member into the hole; delivery walks backwards so a member that ends itself
 * during delivery (terminal event, slow consumer) is removed without skipping anyone.
 */
final class SubscriberGroup {
    private StreamDelivery[] members = new StreamDelivery[4];
    private int size;
    /** The first member's stream, which members asking for an equal one share. */
    private StreamRef stream;

    /**
     * The group's instance of {@code asked} if equal to it, else {@code asked}: the subscribers of
     * one asset then keep one stream reference and one id string between them, not one each
     * (about 80 B per idle stream).
     */
    StreamRef shared(StreamRef asked) {
        if (stream == null) {
            stream = asked;
        }
        return stream.equals(asked) ? stream : asked;
    }

    void add(StreamDelivery member) {
        if (size == members.length) {
            members = java.util.Arrays.copyOf(members, size * 2);
        }
        member.groupIndex = size;
        members[size++] = member;
    }

    void remove(StreamDelivery member) {
        int index = member.groupIndex;
        StreamDelivery last = members[--size];
        members[index] = last;
        last.groupIndex = index;
        members[size] = null;
        member.groupIndex = -1;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Delivers {@code frames[0..count)}, in order, to each member in turn. */
    void deliver(SharedFrame[] frames, int count, long nowNanos, LoopFanout fanout) {
        for (int i = size - 1; i >= 0; i--) {
            StreamDelivery member = members[i];
            for (int f = 0; f < count; f++) {
                if (member.onLive(frames[f], nowNanos)) {
                    fanout.markDirty(member);
                }
                if (member.groupIndex != i) {
                    // It ended (terminal event, slow consumer) and left the group: nothing more for it.
                    break;
                }
            }
        }
    }
}
