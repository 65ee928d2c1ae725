package com.motioness.edge.fanout;

import io.netty.channel.Channel;

/** For benchmarks whose streams are opened with a head nobody reads. */
final class NoopResponder implements StreamResponder {
    @Override
    public void writeStreamHead(Channel channel, boolean chunked, StreamHead head) {}

    @Override
    public void writeNoContent(Channel channel) {}

    @Override
    public void writeUnavailable(Channel channel, String message) {}
}
