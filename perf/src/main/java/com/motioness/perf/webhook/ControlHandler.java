package com.motioness.perf.webhook;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The receiver's control port, for scenario scripts and the load driver: {@code GET /report},
 * {@code POST /secrets} (lines {@code <path> <secret>}), {@code POST /mode?path=/hook/3&mode=hang}
 * ({@code path=*} sets the default), {@code POST /down}, {@code POST /up} and {@code POST /reset}
 * (counts and latencies back to zero).
 */
@ChannelHandler.Sharable
final class ControlHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final WebhookReceiver receiver;

    ControlHandler(WebhookReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        boolean post = HttpMethod.POST.equals(request.method());
        try {
            switch (query.path()) {
                case "/report" -> answer(ctx, HttpResponseStatus.OK, receiver.reportJson());
                case "/secrets" -> {
                    requirePost(post);
                    int added = receiver.addSecrets(request.content().toString(StandardCharsets.UTF_8));
                    answer(ctx, HttpResponseStatus.OK, "{\"added\":" + added + "}");
                }
                case "/mode" -> {
                    requirePost(post);
                    EndpointMode mode = EndpointMode.parse(single(query, "mode"));
                    receiver.mode(single(query, "path"), mode);
                    answer(ctx, HttpResponseStatus.OK, "{}");
                }
                case "/down" -> {
                    requirePost(post);
                    receiver.down();
                    answer(ctx, HttpResponseStatus.OK, "{}");
                }
                case "/reset" -> {
                    requirePost(post);
                    receiver.resetCounts();
                    answer(ctx, HttpResponseStatus.OK, "{}");
                }
                case "/up" -> {
                    requirePost(post);
                    receiver.up();
                    answer(ctx, HttpResponseStatus.OK, "{}");
                }
                default -> answer(ctx, HttpResponseStatus.NOT_FOUND, "{}");
            }
        } catch (IllegalArgumentException e) {
            answer(
                    ctx,
                    HttpResponseStatus.BAD_REQUEST,
                    "{\"error\":\"" + e.getMessage().replace('"', '\'') + "\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.close();
        }
    }

    private static void requirePost(boolean post) {
        if (!post) {
            throw new IllegalArgumentException("use POST");
        }
    }

    private static String single(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        if (values == null || values.size() != 1) {
            throw new IllegalArgumentException("one " + name + " parameter expected");
        }
        return values.get(0);
    }

    private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String json) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        response.headers()
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        // One request per connection, said in the header so that a pooling client does not reuse it.
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
