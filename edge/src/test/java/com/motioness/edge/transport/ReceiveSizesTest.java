package com.motioness.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compact receive-size policy keeps Netty's contract (an extended handle, at most 16 reads per
 * wake-up, auto-read respected) and guesses the sizes Netty's adaptive policy guesses from 512 B up.
 */
class ReceiveSizesTest {
    private final ChannelConfig config = new EmbeddedChannel().config();

    @Test
    void isWhatTheEpollTransportNeeds() {
        ReceiveSizes sizes = new ReceiveSizes();
        // EpollChannelConfig refuses a policy whose handle is not extended; the channel option
        // MAX_MESSAGES_PER_READ needs a MaxMessagesRecvByteBufAllocator.
        assertInstanceOf(RecvByteBufAllocator.ExtendedHandle.class, sizes.newHandle());
        assertInstanceOf(MaxMessagesRecvByteBufAllocator.class, sizes);
        assertEquals(16, sizes.maxMessagesPerRead(), "what Netty gives a socket channel of its own");
    }

    @Test
    void guessesAsNettysAdaptivePolicyDoesFrom512BytesUp() {
        // Bytes waiting at each wake-up: a request, an ingest body, a quiet stream, a burst.
        int[] arriving = {300, 100_000, 40, 40, 40, 5_000, 70_000, 1_000, 1_000, 1_000, 1_000, 2_000_000, 10};
        List<Integer> ours = guesses(new ReceiveSizes().newHandle(), arriving);
        AdaptiveRecvByteBufAllocator netty = new AdaptiveRecvByteBufAllocator();
        netty.maxMessagesPerRead(16);
        assertEquals(guesses((RecvByteBufAllocator.ExtendedHandle) netty.newHandle(), arriving), ours);
        assertTrue(ours.stream().allMatch(size -> size >= 512), ours.toString());
    }

    @Test
    void growsSixteenfoldWhenAReadFillsItsBufferAndHalvesAfterTwoSmallOnes() {
        RecvByteBufAllocator.ExtendedHandle handle = new ReceiveSizes().newHandle();
        handle.reset(config);
        assertEquals(2048, handle.guess());
        read(handle, 2048, 2048);
        assertEquals(32_768, handle.guess());
        read(handle, 32_768, 32_768);
        assertEquals(65_536, handle.guess(), "64 KiB at most");
        handle.readComplete();

        wakeUp(handle, 10);
        assertEquals(65_536, handle.guess(), "one small read does not shrink it");
        wakeUp(handle, 10);
        assertEquals(32_768, handle.guess());
        for (int i = 0; i < 40; i++) {
            wakeUp(handle, 1);
        }
        assertEquals(64, handle.guess(), "64 B at least");
        wakeUp(handle, 64);
        assertEquals(1024, handle.guess(), "a filled 64 B buffer grows it");
    }

    @Test
    void readsWhileTheLastReadFilledItsBufferAtMost16Times() {
        RecvByteBufAllocator.ExtendedHandle handle = new ReceiveSizes().newHandle();
        handle.reset(config);
        assertFalse(handle.continueReading(), "nothing read yet");
        read(handle, 2048, 100);
        assertFalse(handle.continueReading(), "the socket had no more");
        assertTrue(handle.continueReading(() -> true), "the transport says there may be more");
        for (int reads = 2; reads < 16; reads++) {
            read(handle, handle.guess(), handle.guess());
            assertTrue(handle.continueReading(), "after read " + reads);
        }
        read(handle, handle.guess(), handle.guess());
        assertFalse(handle.continueReading(), "16 reads per wake-up");

        handle.reset(config);
        read(handle, handle.guess(), handle.guess());
        config.setAutoRead(false);
        assertFalse(handle.continueReading(), "auto-read turned off by a handler");
        assertFalse(handle.continueReading(() -> true));
    }

    /** One read of {@code bytes} into a buffer of {@code attempted}. */
    private static void read(RecvByteBufAllocator.ExtendedHandle handle, int attempted, int bytes) {
        handle.attemptedBytesRead(attempted);
        handle.lastBytesRead(bytes);
        handle.incMessagesRead(1);
    }

    /** One wake-up that finds {@code bytes} waiting, read as a transport reads: the buffer size of each read. */
    private List<Integer> wakeUp(RecvByteBufAllocator.ExtendedHandle handle, int bytes) {
        List<Integer> sizes = new ArrayList<>();
        handle.reset(config);
        int left = bytes;
        do {
            int attempted = handle.guess();
            sizes.add(attempted);
            int read = Math.min(attempted, left);
            left -= read;
            read(handle, attempted, read);
        } while (left > 0 && handle.continueReading());
        handle.readComplete();
        return sizes;
    }

    /** The buffer size of every read over these wake-ups. */
    private List<Integer> guesses(RecvByteBufAllocator.ExtendedHandle handle, int[] arriving) {
        List<Integer> sizes = new ArrayList<>();
        for (int bytes : arriving) {
            sizes.addAll(wakeUp(handle, bytes));
        }
        return sizes;
    }
}
