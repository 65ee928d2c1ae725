package com.motioness.edge.fanout;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;

/** Writes {@code HEAD\n} for a 200 head; a test that expects another answer would see none. */
final class HeadResponder implements StreamResponder {
    @Override
    public void writeStreamHead(Channel channel, boolean chunked, StreamHead head) {
        channel.write(Unpooled.copiedBuffer("HEAD\n", StandardCharsets.US_ASCII));
    }

    @Override
    public void writeNoContent(Channel channel) {
        throw new AssertionError("204");
    }

    @Override
    public void writeUnavailable(Channel channel, String message) {
        throw new AssertionError("503 " + message);
    }
}
