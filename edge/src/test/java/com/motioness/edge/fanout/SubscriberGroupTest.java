package com.motioness.edge.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.log.StreamRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriberGroupTest {
    @Test
    void subscribersOfOneStreamShareItsReferenceAndOnlyAnEqualOne() {
        SubscriberGroup group = new SubscriberGroup();
        StreamRef first = StreamRef.asset(new String("a-1"), "p1");
        assertSame(first, group.shared(first));

        // Another request's parse of the same path: equal, another instance, and its id string too.
        assertSame(first, group.shared(StreamRef.asset(new String("a-1"), "p1")));

        // Another project hint is another stream reference: kept as it is.
        StreamRef otherHint = StreamRef.asset("a-1", "p2");
        assertSame(otherHint, group.shared(otherHint));
        StreamRef noHint = StreamRef.asset("a-1");
        assertSame(noHint, group.shared(noHint));
    }

    /**
     * Leaving while a run is owed keeps the owed members exactly those that were members when it
     * started: a member that joined since is never owed it (its replay reads the run from the log),
     * whoever's place it would take. Checked failing with a plain swap of the last member into the
     * hole: the joiner became owed.
     */
    @Test
    void whoeverLeavesDuringARunOnlyThoseThereWhenItStartedAreOwedIt() {
        SubscriberGroup group = new SubscriberGroup();
        List<StreamDelivery> members = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            members.add(member());
            group.add(members.get(i));
        }
        group.owe();
        StreamDelivery joiner = member();
        group.add(joiner);

        group.remove(members.get(1));
        group.remove(members.get(5));
        group.remove(members.get(0));

        assertFalse(group.owes(joiner), "the joiner");
        for (int i : new int[] {2, 3, 4}) {
            assertTrue(group.owes(members.get(i)), "member " + i);
        }
        for (int i : new int[] {0, 1, 5}) {
            assertFalse(group.owes(members.get(i)), "member " + i + " left");
        }
        group.remove(joiner);
        group.remove(members.get(3));
        assertTrue(group.owes(members.get(2)) && group.owes(members.get(4)));
        group.remove(members.get(2));
        group.remove(members.get(4));
        assertTrue(group.isEmpty());
        assertEquals(-1, members.get(4).groupIndex);
    }

    /**
     * Runs taken a few members at a time while members join and leave at random in between, against
     * a model: in each run every member that was there when it started and is still there is taken
     * exactly once, and none that joined after it started.
     */
    @Test
    void randomJoinsAndLeavesBetweenSlicesNeitherSkipNorRepeatAMember() {
        java.util.Random random = new java.util.Random(15);
        SubscriberGroup group = new SubscriberGroup();
        List<StreamDelivery> present = new ArrayList<>();
        for (int run = 0; run < 2_000; run++) {
            group.owe();
            java.util.Set<StreamDelivery> owed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            owed.addAll(present);
            StreamDelivery taken;
            do {
                // A slice: a few members taken, then joins and leaves between turns.
                for (int i = random.nextInt(4); i > 0 && !owed.isEmpty(); i--) {
                    taken = group.takeOwed();
                    assertTrue(taken != null && owed.remove(taken), "taken once, and only if owed");
                }
                for (int i = random.nextInt(3); i > 0; i--) {
                    StreamDelivery joiner = member();
                    group.add(joiner);
                    present.add(joiner);
                }
                for (int i = random.nextInt(3); i > 0 && !present.isEmpty(); i--) {
                    StreamDelivery leaver = present.remove(random.nextInt(present.size()));
                    group.remove(leaver);
                    owed.remove(leaver);
                }
                for (StreamDelivery member : present) {
                    assertEquals(owed.contains(member), group.owes(member));
                }
            } while (!owed.isEmpty());
            assertEquals(null, group.takeOwed(), "nothing owed beyond the model");
        }
        assertEquals(present.isEmpty(), group.isEmpty());
    }

    /** A member with nothing behind it: the group's bookkeeping is all this test reads. */
    private static StreamDelivery member() {
        return new StreamDelivery(null, null, true, true, null, null);
    }
}
