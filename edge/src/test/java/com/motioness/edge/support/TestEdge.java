package com.motioness.edge.support;

import com.motioness.edge.EdgeServer;
import com.motioness.edge.config.AuthSettings;
import com.motioness.edge.config.EdgeConfig;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventId;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real edge on a free loopback port, with test keys and sessions and fast timings (pings and
 * the cap are configurable exactly so tests run in seconds).
 */
public final class TestEdge implements AutoCloseable {
    public static final String PROJECT = "proj-a";
    public static final String OTHER_PROJECT = "proj-b";
    public static final String KEY = "key-a-0123456789";
    public static final String OTHER_KEY = "key-b-0123456789";
    public static final String SESSION = "session-a";
    public static final String OTHER_SESSION = "session-b";
    public static final String INGEST_TOKEN = "ingest-token-0123456789";
    public static final String ORIGIN = "https://app.motioness.test";
    /** The shared Redis of the tests (each test keeps to a random key prefix and deletes it). */
    public static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

    private final EdgeServer server;

    private TestEdge(EdgeServer server) {
        this.server = server;
    }

    /** The defaults tests rely on; pings and the cap are long unless a test shortens them. */
    public static EdgeConfig.Builder config() {
        return EdgeConfig.builder()
                .port(0)
                .bind("127.0.0.1")
                .projectKeys(java.util.Map.of(KEY, PROJECT, OTHER_KEY, OTHER_PROJECT))
                .devSessions(java.util.Map.of(
                        SESSION, new AuthSettings.DevSession("user-a", java.util.Set.of(PROJECT)),
                        OTHER_SESSION, new AuthSettings.DevSession("user-b", java.util.Set.of(OTHER_PROJECT))))
                .corsOrigins(java.util.Set.of(ORIGIN))
                .ingestToken(INGEST_TOKEN)
                .pingInterval(Duration.ofSeconds(30))
                .maxStreamDuration(Duration.ofMinutes(5))
                .ioThreads(2)
                // Never a fixed port: several edges (and several builds) share the machine.
                .adminPort(0)
                // Load-shaped tests open thousands of streams from one address; limit tests set their own.
                .maxStreamsPerKey(0)
                .maxStreamsPerUser(0)
                .maxStreamsPerAddress(0)
                .newStreamsPerAddress(0);
    }

    /** Starts an edge with the test defaults. */
    public static TestEdge start() throws InterruptedException {
        return start(UnaryOperator.identity());
    }

    /** Starts an edge with the test defaults changed by {@code tweak}. */
    public static TestEdge start(UnaryOperator<EdgeConfig.Builder> tweak) throws InterruptedException {
        return new TestEdge(EdgeServer.start(tweak.apply(config()).build()));
    }

    /**
     * Starts an edge with the test defaults changed by {@code tweak}, and its request handlers'
     * services given what {@code services} adds (e.g. a webhook registry).
     */
    public static TestEdge start(
            UnaryOperator<EdgeConfig.Builder> tweak,
            UnaryOperator<com.motioness.edge.http.EdgeServices.Builder> services)
            throws InterruptedException {
        return new TestEdge(EdgeServer.start(tweak.apply(config()).build(), services));
    }

    public int port() {
        return server.port();
    }

    public EdgeServer server() {
        return server;
    }

    /** The admin port (metrics, health, readiness). */
    public int adminPort() {
        return server.adminPort();
    }

    /** One value of the admin port's /metrics, e.g. {@code motioness_pings_total}. */
    public double metric(String series) throws java.io.IOException {
        return Scrape.value(adminPort(), series);
    }

    /** A counter of /metrics, 0 while it is not exposed yet; polls on it need no try. */
    public double counter(String series) {
        try {
            return Scrape.all(adminPort()).getOrDefault(series, 0.0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Appends through the log, as ingest does; returns the ids. */
    public List<EventId> append(AssetEvent... events) throws Exception {
        return server.log().append(Arrays.asList(events)).get(5, TimeUnit.SECONDS);
    }

    /**
     * Appends the events one by one, {@code pause} apart, as a producer does while an asset moves
     * on; returns "id type" of each, in order, as clients report what they dispatched.
     */
    public List<String> publish(List<AssetEvent> events, Duration pause) throws Exception {
        List<String> published = new java.util.ArrayList<>();
        for (AssetEvent event : events) {
            if (!published.isEmpty() && !pause.isZero()) {
                Thread.sleep(pause.toMillis());
            }
            for (EventId id : append(event)) {
                published.add(id + " " + event.type().wireName());
            }
        }
        return published;
    }

    /**
     * Appends one event over HTTP, as a producer does ({@code POST /internal/events}); fails the
     * test unless it is answered 200. Returns the event's id.
     */
    public String ingest(com.motioness.protocol.EventType type, String asset) throws Exception {
        RawResponse response = HttpWire.exchange(
                port(),
                HttpWire.request(
                        "POST",
                        "/internal/events",
                        Events.json(type, PROJECT, asset),
                        "Authorization: Bearer " + INGEST_TOKEN));
        org.junit.jupiter.api.Assertions.assertEquals(200, response.status(), response.bodyText());
        return response.bodyText().replaceAll("(?s).*\\[\"([0-9-]+)\"].*", "$1");
    }

    /** The public stream path of an asset with the test key. */
    public static String assetPath(String assetId) {
        return "/v1/" + KEY + "/events/" + assetId;
    }

    /** The cookie header line of the first test session. */
    public static String cookie(String session) {
        return "Cookie: better-auth.session_token=" + session;
    }

    /** Waits until the node has exactly this many open streams. */
    public void awaitOpenStreams(int count) throws InterruptedException {
        Poll.until(
                () -> server.openStreams() == count,
                Duration.ofSeconds(10),
                count + " open streams (now " + server.openStreams() + ")");
    }

    @Override
    public void close() {
        server.close();
    }
}
