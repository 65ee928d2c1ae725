package com.motioness.edge.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.EdgeOnLog;
import com.motioness.edge.support.EdgeProcess;
import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.RedisKeysUnder;
import com.motioness.edge.support.Scrape;
import com.motioness.protocol.EventType;
import com.motioness.protocol.webhook.WebhookSecret;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two dispatchers, real edge processes on one Redis prefix, share the deliveries of ten endpoints;
 * one is killed with -9 mid-load and restarted. Every event ingested is delivered, signed, and
 * copies are few: only the attempts in flight at the kill, whose answers the dead process never
 * stored, are sent again (by the survivor, once their lease runs out), with the same webhook-id.
 */
class DispatcherFailoverTest {
    private static final String TOKEN = "ingest-token-0123456789";
    private static final int ENDPOINTS = 10;
    private static final int BATCHES_BEFORE_KILL = 40;
    /** About 2 s: the dead dispatcher's jobs wait for their lease meanwhile, its firehose share goes to A. */
    private static final int BATCHES_WHILE_DEAD = 50;

    private static final int BATCHES_AFTER_RESTART = 30;
    private static final int BATCH_SIZE = 4;
    private static final long BATCH_EVERY_MS = 40;
    /** The numbers of batches sent while waiting for attempts in flight, beyond the regular ones. */
    private static final int EXTRA_BATCHES_FROM = 1_000;

    private static final int MAX_IN_FLIGHT = 16;
    private static final int IN_FLIGHT_AT_KILL = 8;
    /** Each dispatcher: an edge with the webhooks on, to plain http on loopback, retries in milliseconds. */
    private static final String DISPATCHER_ARGS = "--port 0 --bind 127.0.0.1 --admin-port 0 --io-threads 1"
            + " --webhooks --webhooks-allow-http --webhooks-allow-private --webhook-timeout 1s"
            + " --webhook-retry-schedule 0s,200ms,200ms,200ms,200ms --webhook-max-in-flight " + MAX_IN_FLIGHT;
    /** The receiver's answer time: at this load, several attempts of each dispatcher are in flight at once. */
    private static final Duration ANSWER_AFTER = Duration.ofMillis(100);

    private static final Pattern ENDPOINT_ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern SECRET = Pattern.compile("\"secret\":\"([^\"]+)\"");
    private static final Pattern ASSET = Pattern.compile("\"asset_id\":\"([^\"]+)\"");
    /**
     * Long enough for the survivor to take over the dead one's leased jobs (the lease is 1.5 × the
     * 1 s timeout + 5 s), and for an entry the dead one read and never took in: XAUTOCLAIM takes it
     * after 30 s idle, a window of a few milliseconds per batch that a kill rarely hits.
     */
    private static final Duration ALL_DELIVERED = Duration.ofSeconds(50);

    private final String prefix = "mxwhfo-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<EdgeProcess> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        processes.forEach(EdgeProcess::kill);
        RedisKeysUnder.delete(EdgeOnLog.REDIS_URL, prefix);
    }

    private EdgeProcess dispatcher() throws IOException {
        List<String> args = new ArrayList<>(List.of(DISPATCHER_ARGS.split(" ")));
        args.addAll(List.of("--redis", EdgeOnLog.REDIS_URL, "--redis-prefix", prefix, "--ingest-token", TOKEN));
        EdgeProcess process = EdgeProcess.start(args.toArray(String[]::new));
        processes.add(process);
        return process;
    }

    @Test
    // Above the suite's 60 s: three edge processes start (seconds each on a loaded machine) before
    // ALL_DELIVERED's 50 s, which an entry caught by the kill uses up to 30 s of.
    @Timeout(120)
    void aDispatcherKilledMidLoadLosesNothingAndRepeatsOnlyWhatWasInFlight() throws Exception {
        try (VerifyingReceiver receiver = VerifyingReceiver.start(ANSWER_AFTER)) {
            EdgeProcess a = dispatcher();
            EdgeProcess b = dispatcher();
            int port = a.port();
            int adminA = a.adminPort();
            int adminB = b.adminPort();
            for (int n = 0; n < ENDPOINTS; n++) {
                register(port, receiver, n);
            }

            Set<String> ingested = ConcurrentHashMap.newKeySet();
            int batch = publish(port, 0, BATCHES_BEFORE_KILL, ingested);
            double deliveredByA = delivered(adminA);
            double deliveredByB = delivered(adminB);
            // Killed while attempts are in flight (both dispatchers share them): what the test is about.
            int inFlightAtKill = awaitInFlight(receiver, port, ingested);
            b.kill();
            batch = publish(port, batch, BATCHES_WHILE_DEAD, ingested);
            EdgeProcess restarted = dispatcher();
            int adminRestarted = restarted.adminPort();
            publish(port, batch, BATCHES_AFTER_RESTART, ingested);
            assertTrue(deliveredByA > 0, "A delivered some before the kill");
            assertTrue(deliveredByB > 0, "B delivered some before the kill");
            int published = (BATCHES_BEFORE_KILL + BATCHES_WHILE_DEAD + BATCHES_AFTER_RESTART) * BATCH_SIZE;
            assertTrue(ingested.size() >= published, ingested.size() + " of " + published + " events ingested");

            Poll.until(
                    () -> receiver.uniqueMessages() >= ingested.size()
                            || !receiver.refused().isEmpty(),
                    ALL_DELIVERED,
                    ingested.size() + " deliveries (now " + receiver.uniqueMessages() + ")");
            assertEquals(List.of(), receiver.refused(), "every delivery is signed with its endpoint's secret");
            Set<String> deliveredAssets = new TreeSet<>();
            for (VerifyingReceiver.Delivery delivery : receiver.deliveries()) {
                Matcher asset = ASSET.matcher(delivery.body());
                assertTrue(asset.find(), delivery.body());
                deliveredAssets.add(asset.group(1));
            }
            assertEquals(new TreeSet<>(ingested), deliveredAssets, "every ingested event delivered");
            assertEquals(
                    ingested.size(),
                    receiver.uniqueMessages(),
                    "one webhook-id per event (each project has one endpoint)");
            // Delivered is not done: the dead dispatcher's jobs must be taken over and completed too,
            // or they would sit in Redis, their outcome never recorded.
            Poll.until(() -> jobsLeft() == 0, ALL_DELIVERED, "no webhook job left in Redis");
            double deliveredByRestarted = delivered(adminRestarted);
            assertTrue(deliveredByRestarted > 0, "the restarted dispatcher took its share again");
            int duplicates = receiver.duplicates();
            assertTrue(
                    duplicates <= ENDPOINTS * MAX_IN_FLIGHT,
                    duplicates + " duplicates, more than could be in flight at the kill (" + inFlightAtKill
                            + " were at the receiver)");
            System.out.printf(
                    "failover: %d events, %d deliveries, %d duplicates; %d in flight (both) at the kill,"
                            + " before which A delivered %.0f, B %.0f; the restarted B delivered %.0f%n",
                    ingested.size(),
                    receiver.deliveries().size(),
                    duplicates,
                    inFlightAtKill,
                    deliveredByA,
                    deliveredByB,
                    deliveredByRestarted);
        }
    }

    /**
     * Ingests {@code count} batches, one every {@link #BATCH_EVERY_MS}, numbered from {@code first};
     * returns the number after the last.
     */
    private static int publish(int port, int first, int count, Set<String> ingested)
            throws IOException, InterruptedException {
        for (int batch = first; batch < first + count; batch++) {
            long next = System.nanoTime() + BATCH_EVERY_MS * 1_000_000;
            ingest(port, batch, ingested);
            Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
        }
        return first + count;
    }

    /**
     * Ingests batch after batch (each after the previous) until the receiver holds at least {@link
     * #IN_FLIGHT_AT_KILL} unanswered deliveries, or 2 s passed; returns how many it holds.
     */
    private static int awaitInFlight(VerifyingReceiver receiver, int port, Set<String> ingested) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        int extra = 0;
        while (receiver.unanswered() < IN_FLIGHT_AT_KILL && System.nanoTime() < deadline) {
            ingest(port, EXTRA_BATCHES_FROM + extra++, ingested);
        }
        return receiver.unanswered();
    }

    private static void register(int port, VerifyingReceiver receiver, int n) throws IOException {
        String body = "{\"url\":\"" + receiver.url(Integer.toString(n)) + "\",\"event_types\":[\"stage_started\"]}";
        RawResponse created = HttpWire.exchange(
                port,
                HttpWire.request(
                        "POST",
                        "/internal/projects/" + project(n) + "/webhooks",
                        body,
                        "Authorization: Bearer " + TOKEN,
                        "Content-Type: application/json"));
        assertEquals(201, created.status(), created.bodyText());
        Matcher secret = SECRET.matcher(created.bodyText());
        assertTrue(secret.find() && ENDPOINT_ID.matcher(created.bodyText()).find(), created.bodyText());
        receiver.expect(Integer.toString(n), WebhookSecret.parse(secret.group(1)));
    }

    /** One batch of events on distinct assets, spread over the projects; adds those stored to {@code ingested}. */
    private static void ingest(int port, int batch, Set<String> ingested) throws IOException {
        List<String> assets = new ArrayList<>();
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < BATCH_SIZE; i++) {
            int event = batch * BATCH_SIZE + i;
            String asset = "asset-" + event;
            assets.add(asset);
            body.append(i == 0 ? "" : ",")
                    .append(Events.json(EventType.STAGE_STARTED, project(event % ENDPOINTS), asset));
        }
        RawResponse answer = HttpWire.exchange(
                port,
                HttpWire.request(
                        "POST", "/internal/events", body.append(']').toString(), "Authorization: Bearer " + TOKEN));
        if (answer.status() / 100 == 2) {
            ingested.addAll(assets);
        }
    }

    private static String project(int n) {
        return "proj-" + n;
    }

    /** Jobs the dispatchers hold in Redis under this test's prefix, due or leased, on every shard. */
    private long jobsLeft() {
        RedisClient client = RedisClient.create(EdgeOnLog.REDIS_URL);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            long jobs = 0;
            for (String key : redis.sync().keys(prefix + ":*webhooks:jobs")) {
                jobs += redis.sync().hlen(key);
            }
            return jobs;
        } finally {
            client.shutdown();
        }
    }

    /** Attempts this dispatcher process delivered, from its admin port. */
    private static double delivered(int adminPort) throws IOException {
        return Scrape.all(adminPort).getOrDefault("motioness_webhook_attempts_total{outcome=\"delivered\"}", 0.0);
    }
}
