package com.motioness.edge.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.motioness.edge.log.StreamRef;
import com.motioness.edge.log.embedded.EmbeddedEventLog;
import com.motioness.edge.ring.EventRing;
import com.motioness.edge.support.Events;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One loop's delivery of a run of frames to many subscribers, cut between subscribers when the
 * loop's turn is over. The loop's clock stands still except that every write moves it by 300 µs,
 * and a turn's slice is 1 ms, looked at every 16 subscribers: each turn writes 16 of them, and the
 * loop runs its other tasks (a request's, here the test's) between turns. Each loop turn is one
 * call of {@code runScheduledPendingTasks}: the continuation is scheduled at the time the turn
 * ended, after the time that call started from.
 */
class CutRunTest {
    private static final String PROJECT = "p1";
    private static final String ASSET = "hot";
    private static final int SUBSCRIBERS = 64;
    private static final int PER_TURN = 16;
    private static final Pattern ID = Pattern.compile("\nid: (\\S+)\n");
    private static final String PING = ": ping\n\n";

    private final ByteBufAllocator alloc = UnpooledByteBufAllocator.DEFAULT;
    private final StreamSettings settings = new StreamSettings(
            alloc,
            Duration.ofSeconds(15),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            64 * 1024,
            Duration.ofMillis(1));
    private EventRing ring;
    private EmbeddedEventLog log;
    /** The loop the fan-out runs on; its clock is the one the writes move. */
    private EmbeddedChannel loopChannel;

    private LoopFanout fanout;
    private final List<EmbeddedChannel> subscribers = new ArrayList<>();
    private final List<Subscription> streams = new ArrayList<>();
    private final List<StringBuilder> received = new ArrayList<>();
    private final List<SharedFrame> frames = new ArrayList<>();

    @BeforeEach
    void setUp() {
        ring = new EventRing(1024, (slot, sequence, endOfBatch) -> slot.clear());
        log = new EmbeddedEventLog(ring, 1_000, Duration.ofHours(1), Clock.systemUTC());
        loopChannel = new EmbeddedChannel();
        loopChannel.freezeTime();
        fanout = new LoopFanout(loopChannel.eventLoop(), settings);
        append(EventType.QUEUED);
        for (int i = 0; i < SUBSCRIBERS; i++) {
            subscribe();
        }
        assertEquals(SUBSCRIBERS, fanout.subscriberCount());
        for (int i = 0; i < SUBSCRIBERS; i++) {
            assertEquals(List.of(1), ids(i), "the asset's first event, replayed");
        }
    }

    @AfterEach
    void tearDown() {
        for (EmbeddedChannel channel : subscribers) {
            channel.finishAndReleaseAll();
        }
        for (SharedFrame frame : frames) {
            frame.release();
        }
        loopChannel.finishAndReleaseAll();
        log.close();
        ring.close();
    }

    @Test
    void aRunIsCutBetweenSubscribersAndTheLoopRunsItsTasksBetweenTurns() {
        publishLive(2, 3);
        List<Integer> reachedWhenTaskRan = new ArrayList<>();
        // Queued behind the delivery task: it runs when the first turn yields the loop.
        loopChannel.eventLoop().execute(() -> reachedWhenTaskRan.add(reached(3)));
        runTurns();

        assertEquals(List.of(PER_TURN), reachedWhenTaskRan, "a task waits one turn, not the whole fan-out");
        for (int i = 0; i < SUBSCRIBERS; i++) {
            assertEquals(List.of(1, 2, 3), ids(i), "subscriber " + i);
        }
        // The run's end found the inbox empty and let the delivery flag fall: the next frame is taken.
        publishLive(4);
        runTurns();
        for (int i = 0; i < SUBSCRIBERS; i++) {
            assertEquals(List.of(1, 2, 3, 4), ids(i), "subscriber " + i);
        }
    }

    @Test
    void leavingAndJoiningBetweenTurnsNeitherSkipsNorDoublesAnyone() {
        publishLive(2, 3);
        List<Integer> reachedWhenTaskRan = new ArrayList<>();
        int[] joined = new int[1];
        loopChannel.eventLoop().execute(() -> {
            reachedWhenTaskRan.add(reached(3));
            // Members are delivered last first: 63..48 have the run, 0..47 are owed it. One of
            // each leaves (the owed one's place is taken by another owed member, the written one's
            // by the last), and one joins after the run's frames were logged: its replay has them.
            disconnect(5);
            disconnect(60);
            joined[0] = subscribe();
        });
        runTurns();

        assertEquals(List.of(PER_TURN), reachedWhenTaskRan);
        for (int i = 0; i < SUBSCRIBERS; i++) {
            if (i != 5 && i != 60) {
                assertEquals(List.of(1, 2, 3), ids(i), "subscriber " + i);
            }
        }
        assertEquals(List.of(1), ids(5), "left while owed the run");
        assertEquals(List.of(1, 2, 3), ids(60), "left after it had the run");
        assertEquals(List.of(1, 2, 3), ids(joined[0]), "the joiner, by its replay alone");
        assertEquals(SUBSCRIBERS - 2 + 1, fanout.subscriberCount());
    }

    /**
     * The ticker's heartbeat is cut the same way: 64 streams idle for the ping interval are 64
     * writes, 16 a turn. Checked failing the other way: the first turn pinged all 64.
     */
    @Test
    void theHeartbeatsOfManyIdleStreamsAreWrittenInSlices() {
        // The ticker runs every second (a quarter of the shortest clock, at most 1 s); the streams'
        // idle clock started when they were written their head, at time 0.
        for (int second = 1; second < 15; second++) {
            loopChannel.advanceTimeBy(1, TimeUnit.SECONDS);
            loopChannel.runScheduledPendingTasks();
        }
        assertEquals(0, pinged(), "not idle 15 s yet");
        loopChannel.advanceTimeBy(1, TimeUnit.SECONDS);
        loopChannel.runScheduledPendingTasks();
        assertEquals(PER_TURN, pinged(), "one slice of the tick");
        runTurns();
        assertEquals(SUBSCRIBERS, pinged());
        for (StringBuilder out : received) {
            assertEquals(out.indexOf(PING), out.lastIndexOf(PING), "one ping each");
        }
    }

    /** How many subscribers have been written a heartbeat. */
    private int pinged() {
        int count = 0;
        for (StringBuilder out : received) {
            if (out.indexOf(PING) >= 0) {
                count++;
            }
        }
        return count;
    }

    /** Runs the loop's tasks and turns until nothing is left to deliver (a bounded number of times). */
    private void runTurns() {
        for (int i = 0; i < 2 * SUBSCRIBERS / PER_TURN; i++) {
            loopChannel.runPendingTasks();
        }
    }

    /** Appends an event of the hot asset to the log; answers its number (1 for the first). */
    private int append(EventType type) {
        AssetEvent event = Events.of(type, PROJECT, ASSET, "r" + frames.size());
        EventId id = log.append(List.of(event)).join().get(0);
        SharedFrame frame = SharedFrame.event(alloc, id.ms(), id.seq(), type, PROJECT, ASSET, EventJson.encode(event));
        frames.add(frame);
        return frames.size();
    }

    /** Appends events {@code numbers} (the next ones) and hands their frames to the loop's inbox. */
    private void publishLive(int... numbers) {
        for (int n : numbers) {
            assertEquals(n, append(EventType.STAGE_STARTED));
            fanout.offer(frames.get(n - 1));
        }
        fanout.scheduleDelivery();
    }

    /** Opens one more live subscriber of the hot asset on a channel of its own; answers its index. */
    private int subscribe() {
        int index = subscribers.size();
        StringBuilder out = new StringBuilder();
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ByteBuf bytes = (ByteBuf) msg;
                out.append(bytes.toString(StandardCharsets.UTF_8));
                bytes.release();
                loopChannel.advanceTimeBy(300, TimeUnit.MICROSECONDS);
                promise.trySuccess();
            }
        });
        subscribers.add(channel);
        received.add(out);
        Subscription stream = new Subscription(
                channel,
                fanout,
                log,
                StreamRef.asset(ASSET),
                null,
                project -> CompletableFuture.completedFuture(PROJECT.equals(project)),
                new HeadResponder(),
                false);
        streams.add(stream);
        stream.open();
        channel.runPendingTasks();
        return index;
    }

    /** Subscriber {@code i}'s client goes away: its channel closes and tells its stream, as the HTTP handler does. */
    private void disconnect(int i) {
        subscribers.get(i).close();
        streams.get(i).onChannelInactive();
    }

    /** How many subscribers have event {@code n}. */
    private int reached(int n) {
        int count = 0;
        for (int i = 0; i < subscribers.size(); i++) {
            if (ids(i).contains(n)) {
                count++;
            }
        }
        return count;
    }

    /** The numbers of the events subscriber {@code i} was written, in order. */
    private List<Integer> ids(int i) {
        List<Integer> numbers = new ArrayList<>();
        Matcher matcher = ID.matcher(received.get(i));
        while (matcher.find()) {
            EventId id = EventId.parse(matcher.group(1));
            for (int n = 0; n < frames.size(); n++) {
                if (frames.get(n).ms == id.ms() && frames.get(n).seq == id.seq()) {
                    numbers.add(n + 1);
                }
            }
        }
        return numbers;
    }
}
