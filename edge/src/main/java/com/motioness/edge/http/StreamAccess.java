package com.motioness.edge.http;

import com.motioness.edge.limits.StreamLimits;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Who opens a stream and what they may read: a project key or a signed-in user.
 *
 * @param kind what the open streams are counted by, besides the client's address
 * @param identity the key or the user id
 * @param mayRead whether the caller may see a project's events (asynchronous: it may ask a
 *     membership store); checked against the stream's owner before any event is written
 * @param recheckEvery how often an open stream asks {@code stillValid}
 * @param stillValid whether the session or the key still holds: a "no" ends the stream
 */
record StreamAccess(
        StreamLimits.Kind kind,
        String identity,
        Function<String, CompletableFuture<Boolean>> mayRead,
        Duration recheckEvery,
        Supplier<CompletableFuture<Boolean>> stillValid) {}
