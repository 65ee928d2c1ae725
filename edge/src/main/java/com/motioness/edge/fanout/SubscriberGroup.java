package com.motioness.edge.fanout;

import com.motioness.edge.log.StreamRef;

/**
 * The subscribers of one stream on one event loop. Loop-confined, unordered, with O(1) removal by
 * moving another member into the hole.
 *
 * <p>A run of frames is delivered to the members one by one, the last first, and may be cut between
 * two members when the loop's turn is over: the members still owed it are kept at the front,
 * {@code [0, owed)}, and the delivery resumes with them next turn. A member that leaves meanwhile
 * (its client went away, its stream hit the cap) is replaced by one owed the run if it was owed
 * it, so nobody is skipped or visited twice; a member that joins meanwhile is placed after them and
 * is not owed the run: it joined after the run's frames were in the log, so its replay reads them
 * (the seam, see {@link StreamReplay}).
 */
final class SubscriberGroup {
    /**
     * Members visited between two looks at the clock: a look (about 20 ns) is a tenth of a delivery
     * in {@code FanoutBenchmark} (about 200 ns), so one per 16 costs under 1%.
     */
    private static final int CLOCK_STRIDE = 16;

    private StreamDelivery[] members = new StreamDelivery[4];
    private int size;
    /** Members {@code [0, owed)} have yet to get the run being delivered; 0 when none is. */
    private int owed;
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
        int hole = member.groupIndex;
        if (hole < owed) {
            // The last member owed the run fills the hole, so the front stays exactly those owed
            // it, and the hole moves to the front's end.
            hole = fill(hole, --owed);
        }
        fill(hole, --size);
        members[size] = null;
        member.groupIndex = -1;
    }

    /** Moves the member at {@code from} into {@code hole}; answers where the hole is now. */
    private int fill(int hole, int from) {
        if (from != hole) {
            StreamDelivery moved = members[from];
            members[hole] = moved;
            moved.groupIndex = hole;
        }
        return from;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** A run starts: every member now is owed it. */
    void owe() {
        owed = size;
    }

    /** The next member owed the run, now no longer owed it; null when none is. */
    StreamDelivery takeOwed() {
        return owed > 0 ? members[--owed] : null;
    }

    /** True when {@code member} is still owed the run being delivered. */
    boolean owes(StreamDelivery member) {
        return member.groupIndex >= 0 && member.groupIndex < owed;
    }

    /**
     * Delivers {@code frames[0..count)}, in order, to each member owed them in turn, until none is
     * or {@code fanout}'s turn is over.
     *
     * @return true when no member is owed the run any more
     */
    boolean deliver(SharedFrame[] frames, int count, long nowNanos, LoopFanout fanout) {
        StreamDelivery member;
        while ((member = takeOwed()) != null) {
            for (int f = 0; f < count; f++) {
                if (member.onLive(frames[f], nowNanos)) {
                    fanout.markDirty(member);
                }
                if (member.groupIndex < 0) {
                    // It ended (terminal event, slow consumer) and left the group: nothing more for it.
                    break;
                }
            }
            if (owed % CLOCK_STRIDE == 0 && owed > 0 && fanout.turnOver()) {
                return false;
            }
        }
        return true;
    }
}
