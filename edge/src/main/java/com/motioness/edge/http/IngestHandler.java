package com.motioness.edge.http;

import com.motioness.edge.log.LogUnavailableException;
import com.motioness.protocol.AssetEndedException;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventJson;
import com.motioness.protocol.EventValidationException;
import com.motioness.protocol.IdempotencyKey;
import com.motioness.protocol.IdempotencyKeyReusedException;
import com.motioness.protocol.StoredBatch;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest route, {@code POST /internal/events}: checks a request's head before its body is read
 * ({@link #acceptsHead}, called by the router), then, behind the {@link RouteBodyAggregator}, decodes
 * the whole batch, appends it to the event log through the {@link IngestGate} and answers the ids.
 */
final class IngestHandler extends FullRequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
    private static final Consumer<ResponseHead> RETRY_AFTER = head -> head.header(HttpNames.RETRY_AFTER, "1");

    private final EdgeServices services;

    IngestHandler(EdgeServices services, Http1Connection connection) {
        super(connection);
        this.services = services;
    }

    /**
     * Checks an ingest request's head: ingest enabled, the bearer token, the Idempotency-Key. A
     * request refused here is answered at once.
     *
     * @param keepAlive whether an answer given before the body is read may keep the connection
     * @return true when its body is to be read: the connection is tracked for the server's close
     */
    boolean acceptsHead(Channel channel, HttpRequest request, boolean keepAlive) {
        if (!BearerToken.admits(
                services, connection, request, keepAlive, "ingest is disabled: start the edge with --ingest-token")) {
            return false;
        }
        List<String> keys = request.headers().getAll(HttpNames.IDEMPOTENCY_KEY);
        if (keys.size() > 1 || keys.size() == 1 && !IdempotencyKey.isValid(keys.get(0))) {
            answer(
                    ApiError.of(
                            HttpResponseStatus.BAD_REQUEST,
                            "invalid_idempotency_key",
                            "Idempotency-Key must be " + "one header of 1 to " + IdempotencyKey.MAX_LENGTH
                                    + " printable ASCII characters (0x21-0x7E)"),
                    keepAlive);
            return false;
        }
        // Tracked from here: a body still arriving when the server closes is answered 503.
        services.ingestGate.track(channel);
        return true;
    }

    @Override
    void handle(FullHttpRequest request) {
        ingest(request);
    }

    private void ingest(FullHttpRequest request) {
        // Checked with the head: one valid key at most.
        String key = request.headers().get(HttpNames.IDEMPOTENCY_KEY);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        List<AssetEvent> events;
        try {
            events = EventJson.decodeBatch(request.content());
        } catch (EventValidationException e) {
            answer(ApiError.invalidEvent(e.field(), e.index(), e.getMessage()), keepAlive);
            return;
        }
        if (!services.ingestGate.tryStart()) {
            refuse(connection, keepAlive);
            return;
        }
        connection.completeOnLoop(
                services.log.append(events, key == null ? null : IdempotencyKey.of(key)),
                (stored, error) -> answerAppend(stored, error, keepAlive),
                services.ingestGate::answered);
    }

    /**
     * The node is closing and issues no more appends: nothing of this request is stored, and the
     * producer may send it again, to another node. Requests read behind it get their own answers;
     * after the last the connection ends.
     */
    static void refuse(Http1Connection connection, boolean keepAlive) {
        connection.answerWhileClosing(
                ApiError.of(
                        HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "draining",
                        "this node is shutting down: nothing was stored; send the events again"),
                keepAlive,
                RETRY_AFTER);
    }

    private void answerAppend(StoredBatch stored, Throwable error, boolean keepAlive) {
        if (error == null) {
            Responses.json(
                    connection.channel(),
                    HttpResponseStatus.OK,
                    idsJson(stored.ids()),
                    CorsPolicy.NONE,
                    null,
                    keepAlive,
                    stored.replayed() ? head -> head.header(HttpNames.IDEMPOTENT_REPLAYED, "true") : null);
            connection.answered(keepAlive);
            return;
        }
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof EventValidationException invalid) {
            answer(ApiError.invalidEvent(invalid.field(), invalid.index(), invalid.getMessage()), keepAlive);
        } else if (cause instanceof IdempotencyKeyReusedException reused) {
            answer(
                    ApiError.of(HttpResponseStatus.UNPROCESSABLE_ENTITY, "idempotency_key_reused", reused.getMessage()),
                    keepAlive);
        } else if (cause instanceof AssetEndedException ended) {
            answer(
                    ApiError.assetEnded(
                            ended.terminalId() == null
                                    ? null
                                    : ended.terminalId().toString(),
                            ended.index(),
                            ended.getMessage()),
                    keepAlive);
        } else if (cause instanceof LogUnavailableException) {
            connection.answer(
                    ApiError.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", cause.getMessage()),
                    CorsPolicy.NONE,
                    null,
                    keepAlive,
                    RETRY_AFTER);
        } else {
            LOG.error("append failed", cause);
            answer(ApiError.of(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error", "append failed"), false);
        }
    }

    private void answer(ApiError error, boolean keepAlive) {
        connection.answer(error, CorsPolicy.NONE, null, keepAlive);
    }

    private static byte[] idsJson(List<EventId> ids) {
        StringBuilder json = new StringBuilder(16 + ids.size() * 20).append("{\"ids\":[");
        for (int i = 0; i < ids.size(); i++) {
            json.append(i == 0 ? "\"" : ",\"").append(ids.get(i)).append('"');
        }
        return json.append("]}\n").toString().getBytes(StandardCharsets.US_ASCII);
    }
}
