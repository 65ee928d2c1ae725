package com.motioness.edge.webhook.client;

import static com.motioness.edge.webhook.client.Attempts.await;
import static com.motioness.edge.webhook.client.Attempts.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Poll;
import com.motioness.edge.webhook.AddressGuard;
import com.motioness.edge.webhook.AttemptResult;
import com.motioness.edge.webhook.client.TestReceiver.Received;
import com.motioness.edge.webhook.client.TestReceiver.Reply;
import com.motioness.protocol.webhook.WebhookSignature;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The webhook client against real receivers on 127.0.0.1: what it sends, how it pools, what each outcome is. */
class WebhookClientTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private WebhookClient client(int poolSize, Duration idle, AddressGuard guard) {
        WebhookClient client = new WebhookClient(1, guard, WebhookClient.defaultSslContext(), poolSize, idle);
        toClose.add(client);
        return client;
    }

    private WebhookClient client(int poolSize) {
        return client(poolSize, Duration.ofSeconds(30), AddressGuard.ALLOW_ALL);
    }

    private TestReceiver receiver(java.util.function.Function<Received, Reply> replies) throws InterruptedException {
        TestReceiver receiver = TestReceiver.start(replies);
        toClose.add(receiver);
        return receiver;
    }

    @Test
    void postsTheSignedHeadersAndTheBodyByteExact() throws Exception {
        TestReceiver receiver = receiver(r -> Reply.status(204));
        URI url = receiver.url("/hooks/in?project=p1");

        AttemptResult result = await(client(4).send(request(url)));

        assertTrue(result.delivered(), result.toString());
        assertEquals(204, result.status());
        assertNull(result.errorMsg());
        assertTrue(result.latencyNanos() > 0);
        Received got = receiver.received.poll(5, TimeUnit.SECONDS);
        assertNotNull(got);
        assertEquals("POST", got.method());
        assertEquals("/hooks/in?project=p1", got.uri());
        HttpHeaders headers = got.headers();
        assertEquals("127.0.0.1:" + receiver.port(), headers.get("host"));
        assertEquals("application/json", headers.get("content-type"));
        assertEquals(Integer.toString(Attempts.BODY.length), headers.get("content-length"));
        assertEquals("Motioness-Webhooks/1", headers.get("user-agent"));
        assertEquals(request(url).messageId(), headers.get(WebhookSignature.ID_HEADER));
        assertEquals("1700000000", headers.get(WebhookSignature.TIMESTAMP_HEADER));
        assertEquals(request(url).signatures(), headers.get(WebhookSignature.SIGNATURE_HEADER));
        assertArrayEquals(Attempts.BODY, got.body());
    }

    @Test
    void sequentialSendsReuseOneKeepAliveConnection() throws Exception {
        TestReceiver receiver = receiver(r -> Reply.body(200, 100));
        WebhookClient client = client(4);
        for (int i = 0; i < 10; i++) {
            assertTrue(await(client.send(request(receiver.url("/")))).delivered());
        }
        assertEquals(10, receiver.received.size());
        assertEquals(1, receiver.accepted.get(), "one connection at the receiver");
        assertEquals(1, client.stats(receiver.url("/")).opened());
    }

    @Test
    void concurrentSendsBeyondThePoolSizeWaitForAConnection() throws Exception {
        TestReceiver receiver = receiver(r -> Reply.delayed(200, 30));
        WebhookClient client = client(3);
        List<CompletableFuture<AttemptResult>> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add(client.send(request(receiver.url("/"))));
        }
        for (CompletableFuture<AttemptResult> one : sent) {
            assertTrue(await(one).delivered());
        }
        assertEquals(3, receiver.accepted.get(), "never more connections than the pool size");
        assertEquals(30, receiver.received.size());
    }

    @Test
    void aStatusOtherThan2xxIsAFailedAttemptAndARedirectIsNotFollowed() throws Exception {
        TestReceiver receiver =
                receiver(r -> r.uri().equals("/busy") ? Reply.status(503) : Reply.redirect("/elsewhere"));
        WebhookClient client = client(4);

        AttemptResult busy = await(client.send(request(receiver.url("/busy"))));
        assertEquals("HTTP_503", busy.errorCode());
        assertEquals(503, busy.status());
        assertNotNull(busy.errorMsg());

        AttemptResult moved = await(client.send(request(receiver.url("/moved"))));
        assertEquals("HTTP_302", moved.errorCode());
        assertEquals(302, moved.status());
        Thread.sleep(100);
        assertEquals(2, receiver.received.size(), "the redirect was not followed");
    }

    @Test
    void aRefusedPortIsConnectRefused() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        AttemptResult result = await(client(4).send(request(URI.create("http://127.0.0.1:" + port + "/"))));
        assertEquals("CONNECT_REFUSED", result.errorCode(), result.toString());
        assertEquals(0, result.status());
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutAndItsConnectionIsClosed() throws Exception {
        TestReceiver receiver = receiver(r -> Reply.hang());
        WebhookClient client = client(4);
        long start = System.nanoTime();
        AttemptResult result = await(client.send(request(receiver.url("/"), Duration.ofMillis(300))));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals("TIMEOUT", result.errorCode(), result.toString());
        assertTrue(tookMs >= 290 && tookMs < 1_000, "took " + tookMs + " ms");
        assertTrue(result.latencyNanos() >= 290_000_000L, result.toString());
        Poll.until(() -> receiver.closed.get() == 1, Duration.ofSeconds(5), "the timed-out connection closed");
    }

    @Test
    void aLongBodyIsNotReadPast64KiBTheStatusDecidesAndTheConnectionIsClosed() throws Exception {
        TestReceiver receiver = receiver(r -> Reply.body(r.uri().equals("/ok") ? 200 : 500, 1 << 20));
        WebhookClient client = client(4);

        AttemptResult ok = await(client.send(request(receiver.url("/ok"))));
        assertTrue(ok.delivered(), ok.toString());
        assertEquals(200, ok.status());
        Poll.until(() -> receiver.closed.get() == 1, Duration.ofSeconds(5), "the connection closed, not drained");

        AttemptResult failed = await(client.send(request(receiver.url("/fail"))));
        assertEquals("HTTP_500", failed.errorCode());
        assertEquals(2, receiver.accepted.get(), "a connection left mid-body is never reused");
    }

    @Test
    void aResponseSayingCloseIsNotReused() throws Exception {
        TestReceiver receiver = receiver(r -> Reply.closing(200));
        WebhookClient client = client(4);
        assertTrue(await(client.send(request(receiver.url("/")))).delivered());
        assertTrue(await(client.send(request(receiver.url("/")))).delivered());
        assertEquals(2, receiver.accepted.get());
        Poll.until(() -> receiver.closed.get() == 2, Duration.ofSeconds(5), "both connections closed");
    }

    @Test
    void aConnectionClosedBeforeTheResponseIsConnectionReset() throws Exception {
        TestReceiver receiver = receiver(r -> Reply.reset());
        AttemptResult result = await(client(4).send(request(receiver.url("/"))));
        assertEquals("CONNECTION_RESET", result.errorCode(), result.toString());
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTime() throws Exception {
        TestReceiver receiver = receiver(r -> Reply.status(200));
        WebhookClient client = client(4, Duration.ofMillis(200), AddressGuard.ALLOW_ALL);
        assertTrue(await(client.send(request(receiver.url("/")))).delivered());
        Poll.until(() -> receiver.closed.get() == 1, Duration.ofSeconds(5), "the idle connection closed");
        assertEquals(0, client.stats(receiver.url("/")).open());
    }

    @Test
    void aRefusedAddressIsNeverConnectedTo() throws Exception {
        TestReceiver receiver = receiver(r -> Reply.status(200));
        WebhookClient client = client(4, Duration.ofSeconds(30), address -> "loopback address");

        AttemptResult literal = await(client.send(request(receiver.url("127.0.0.1", "/"))));
        assertEquals("BLOCKED_ADDRESS", literal.errorCode(), literal.toString());
        assertTrue(literal.errorMsg().contains("loopback address"), literal.errorMsg());
        AttemptResult named = await(client.send(request(receiver.url("localhost", "/"))));
        assertEquals("BLOCKED_ADDRESS", named.errorCode(), named.toString());

        Thread.sleep(100);
        assertEquals(0, receiver.accepted.get(), "no connection reached the receiver");
    }

    @Test
    void aNameThatDoesNotResolveIsDns() throws Exception {
        AttemptResult result =
                await(client(4).send(request(URI.create("http://no-such-host.invalid/"), Duration.ofSeconds(8))));
        assertEquals("DNS", result.errorCode(), result.toString());
    }

    @Test
    void aHangingOriginNeverDelaysAnother() throws Exception {
        TestReceiver hanging = receiver(r -> Reply.hang());
        TestReceiver healthy = receiver(r -> Reply.status(200));
        WebhookClient client = client(2);

        List<CompletableFuture<AttemptResult>> stuck = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            stuck.add(client.send(request(hanging.url("/"), Duration.ofSeconds(2))));
        }
        long start = System.nanoTime();
        List<CompletableFuture<AttemptResult>> fine = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fine.add(client.send(request(healthy.url("/"), Duration.ofSeconds(2))));
        }
        for (CompletableFuture<AttemptResult> one : fine) {
            assertTrue(await(one).delivered());
        }
        long healthyMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(healthyMs < 1_000, "the healthy origin took " + healthyMs + " ms");
        for (CompletableFuture<AttemptResult> one : stuck) {
            assertTrue(!one.isDone(), "the hanging origin's attempts still wait");
        }
        // Counted while every attempt to it hangs: once they time out, the client closes those
        // connections and a queued attempt may open a new one before the receiver has seen the close
        // (seen once as 3 under CI load), which says nothing about the pool.
        assertTrue(hanging.maxOpen.get() <= 2, "the hanging origin holds only its own pool: " + hanging.maxOpen);
        for (CompletableFuture<AttemptResult> one : stuck) {
            assertEquals("TIMEOUT", await(one).errorCode());
        }
    }

    @Test
    void aHangingPathHoldsOnlyItsOwnConnectionsToAnOriginItShares() throws Exception {
        TestReceiver receiver = receiver(r -> r.uri().equals("/hang") ? Reply.hang() : Reply.status(200));
        WebhookClient client = client(8);
        List<CompletableFuture<AttemptResult>> stuck = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            stuck.add(client.send(request(receiver.url("/hang"), Duration.ofSeconds(5))));
        }
        long start = System.nanoTime();
        List<CompletableFuture<AttemptResult>> fine = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            fine.add(client.send(request(receiver.url("/ok"), Duration.ofSeconds(5))));
        }
        for (CompletableFuture<AttemptResult> one : fine) {
            assertEquals(null, await(one).errorCode());
        }
        long healthyMs = (System.nanoTime() - start) / 1_000_000;
        // Done while the hanging attempts still wait: had they held the connections the others
        // need, the others would have waited for their timeout. (A bound in milliseconds here,
        // 1 s, failed once on a loaded machine at 2,118 ms with nothing wrong.)
        for (CompletableFuture<AttemptResult> one : stuck) {
            assertTrue(!one.isDone(), "the other path took " + healthyMs + " ms, past the hanging ones' timeout");
        }
        for (CompletableFuture<AttemptResult> one : stuck) {
            assertEquals("TIMEOUT", await(one).errorCode());
        }
    }

    @Test
    void anUnsupportedUrlOrAClosedClientAnswersAtOnce() throws Exception {
        WebhookClient client = client(4);
        assertEquals(
                "INVALID_URL",
                await(client.send(request(URI.create("ftp://example.com/")))).errorCode());
        client.close();
        assertEquals(
                "CLIENT_CLOSED",
                await(client.send(request(URI.create("http://127.0.0.1:1/")))).errorCode());
    }
}
