package com.motioness.edge.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * How large a buffer each read of a connection takes: Netty's adaptive policy (start at 2 KiB, grow
 * sixteenfold when a read fills its buffer, halve after two reads that fill at most half of it),
 * with a per-connection handle of 40 B instead of Netty's 112 (its handle, its size calculator and
 * an anonymous supplier). An idle stream keeps its handle for its whole life, though after its
 * request it reads next to nothing.
 *
 * <p>Sizes are powers of two from 64 B to 64 KiB: Netty's calculator also steps by 16 B below
 * 512 B, which a pooled allocator rounds up to its size classes anyway. At most 16 reads per
 * wake-up by default, as Netty gives a stream channel of its own.
 */
final class ReceiveSizes extends DefaultMaxMessagesRecvByteBufAllocator {
    static final int MIN_SHIFT = 6;
    static final int INITIAL_SHIFT = 11;
    static final int MAX_SHIFT = 16;
    /** A read that filled its buffer makes the next ones 2^4 times larger, as Netty's does. */
    private static final int GROW_SHIFT = 4;
    /** What Netty's {@code ChannelMetadata} gives its socket channels. */
    static final int MAX_MESSAGES_PER_READ = 16;

    ReceiveSizes() {
        super(MAX_MESSAGES_PER_READ);
    }

    @Override
    public ReadState newHandle() {
        return new ReadState();
    }

    /**
     * One connection's read state, touched only on its loop. The same contract as Netty's
     * {@code MaxMessageHandle}: keep reading while auto-read is on, the last read may have left
     * more, fewer than the policy's messages were read and something was.
     */
    final class ReadState implements RecvByteBufAllocator.ExtendedHandle {
        private ChannelConfig config;
        private int totalMessages;
        private int totalBytesRead;
        private int attemptedBytesRead;
        private int lastBytesRead;
        /** The next read's size is {@code 1 << sizeShift}. */
        private byte sizeShift = INITIAL_SHIFT;
        /** The last read filled at most half the buffer: one more such read and it halves. */
        private boolean shrinkNext;

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return 1 << sizeShift;
        }

        @Override
        public void reset(ChannelConfig config) {
            this.config = config;
            totalMessages = 0;
            totalBytesRead = 0;
        }

        @Override
        public void incMessagesRead(int messages) {
            totalMessages += messages;
        }

        @Override
        public void lastBytesRead(int bytes) {
            if (bytes == attemptedBytesRead) {
                // The buffer was filled: grow before the next read of this wake-up, not after it.
                record(bytes);
            }
            lastBytesRead = bytes;
            if (bytes > 0) {
                totalBytesRead += bytes;
            }
        }

        @Override
        public int lastBytesRead() {
            return lastBytesRead;
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            attemptedBytesRead = bytes;
        }

        @Override
        public int attemptedBytesRead() {
            return attemptedBytesRead;
        }

        @Override
        public boolean continueReading() {
            return mayReadMore() && (!respectMaybeMoreData() || attemptedBytesRead == lastBytesRead);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreData) {
            return mayReadMore() && (!respectMaybeMoreData() || maybeMoreData.get());
        }

        private boolean mayReadMore() {
            return config.isAutoRead() && totalMessages < maxMessagesPerRead() && totalBytesRead > 0;
        }

        @Override
        public void readComplete() {
            // An int overflowed past 2 GiB in one wake-up still counts as a large read.
            record(totalBytesRead < 0 ? Integer.MAX_VALUE : totalBytesRead);
        }

        private void record(int bytes) {
            if (sizeShift > MIN_SHIFT && bytes <= 1 << (sizeShift - 1)) {
                if (shrinkNext) {
                    sizeShift--;
                    shrinkNext = false;
                } else {
                    shrinkNext = true;
                }
            } else if (bytes >= 1 << sizeShift) {
                sizeShift = (byte) Math.min(MAX_SHIFT, sizeShift + GROW_SHIFT);
                shrinkNext = false;
            }
        }
    }
}
