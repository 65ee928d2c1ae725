package com.motioness.perf.webhook;

import com.motioness.perf.MicroClock;
import com.motioness.protocol.EventId;
import com.motioness.protocol.webhook.WebhookSignature;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.util.Map;

/**
 * Answers deliveries: checks the signature, counts the attempt, then answers as the endpoint's
 * mode says. Shared by every connection (all state is in the ledger, verifier and mode map).
 */
@ChannelHandler.Sharable
final class HookHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final SignatureVerifier verifier;
    private final DeliveryLedger ledger;
    private final Map<String, EndpointMode> modes;
    private volatile EndpointMode defaultMode = EndpointMode.OK;

    HookHandler(SignatureVerifier verifier, DeliveryLedger ledger, Map<String, EndpointMode> modes) {
        this.verifier = verifier;
        this.ledger = ledger;
        this.modes = modes;
    }

    void defaultMode(EndpointMode mode) {
        defaultMode = mode;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        if (!HttpMethod.POST.equals(request.method())) {
            answer(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED);
            return;
        }
        ledger.received(path);
        byte[] body = ByteBufUtil.getBytes(request.content());
        String id = request.headers().get(WebhookSignature.ID_HEADER);
        SignatureVerifier.Verdict verdict = verifier.verify(
                path,
                id,
                request.headers().get(WebhookSignature.TIMESTAMP_HEADER),
                request.headers().get(WebhookSignature.SIGNATURE_HEADER),
                body,
                System.currentTimeMillis() / 1000);
        if (verdict != SignatureVerifier.Verdict.OK) {
            ledger.refused(path, verdict);
            answer(ctx, request, HttpResponseStatus.UNAUTHORIZED);
            return;
        }
        ledger.attempted(id);
        EndpointMode mode = modes.getOrDefault(path, defaultMode);
        switch (mode.kind()) {
            case OK -> {
                long[] stamps = stamps(body);
                ledger.accepted(path, id, stamps[0], stamps[1], MicroClock.nowMicros());
                answer(ctx, request, HttpResponseStatus.NO_CONTENT);
            }
            case FAIL -> {
                ledger.answered(path, mode.kind());
                answer(ctx, request, HttpResponseStatus.valueOf(mode.status()));
            }
            case HANG -> ledger.answered(path, mode.kind()); // the sender's timeout ends it
            case CLOSE -> {
                ledger.answered(path, mode.kind());
                ctx.close();
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private static void answer(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * The event id's milliseconds (the body's {@code "id"}, the log's ingest time) and, for the
     * harness's own events, the intended publish time from {@code request_id}
     * ({@code perf.<asset>.<seq>.<micros>}); -1 for what is missing.
     */
    static long[] stamps(byte[] body) {
        long[] stamps = {-1, -1};
        try {
            Map<String, String> fields = TopLevelFields.of(body);
            String id = fields.get("id");
            if (id != null) {
                stamps[0] = EventId.parse(id).ms();
            }
            String requestId = fields.get("request_id");
            if (requestId != null) {
                stamps[1] = intendedMicros(requestId);
            }
        } catch (IOException | RuntimeException e) {
            // A body that is not the event JSON counts as one without an id.
        }
        return stamps;
    }

    private static long intendedMicros(String requestId) {
        if (!requestId.startsWith("perf.")) {
            return -1;
        }
        try {
            return Long.parseLong(requestId.substring(requestId.lastIndexOf('.') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
