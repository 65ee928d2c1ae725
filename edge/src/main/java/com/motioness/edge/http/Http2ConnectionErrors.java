package com.motioness.edge.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;

/**
 * The last handler of an HTTP/2 connection: an error that Netty's codec did not handle itself (a
 * protocol error gets its GOAWAY or RST_STREAM there) ends the connection, as on HTTP/1.
 */
@ChannelHandler.Sharable
final class Http2ConnectionErrors extends ChannelInboundHandlerAdapter {
    static final Http2ConnectionErrors INSTANCE = new Http2ConnectionErrors();

    private Http2ConnectionErrors() {}

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // The codec answered it already (GOAWAY with its error, or RST_STREAM) and closes what it
            // must: a close here would go first, with a GOAWAY that says NO_ERROR.
            return;
        }
        ConnectionErrors.close(ctx, cause);
    }
}
