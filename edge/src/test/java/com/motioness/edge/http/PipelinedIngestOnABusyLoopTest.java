package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.PipeliningProducer;
import com.motioness.edge.support.RawResponse;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import io.netty.channel.EventLoop;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pipelined ingest requests read together are answered together, on a loop saturated by fan-out:
 * there a delivery task is queued again as soon as one ends, so a task queued for an answer runs
 * behind a delivery. One event loop, a task of 10 ms that queues itself again (the fan-out), and a
 * producer that sends 32 requests in one write: all are answered, in order, within one turn of
 * that task. Checked failing the other way: with each answer a task of its own (as before), the
 * last answer came 31 turns after the first, one request per turn.
 */
class PipelinedIngestOnABusyLoopTest {
    private static final int REQUESTS = 32;
    private static final long TURN_MILLIS = 10;

    @Test
    @Timeout(60)
    void requestsReadTogetherAreAnsweredInOrderWithoutWaitingATurnEach() throws Exception {
        try (TestEdge edge = TestEdge.start(config -> config.ioThreads(1))) {
            EventLoop loop = edge.server().eventLoops().get(0);
            AtomicInteger turns = new AtomicInteger();
            AtomicBoolean busy = new AtomicBoolean(true);
            // Netty runs a loop's tasks for up to a second before it reads its sockets again: the
            // requests are read about once a second, then answered between the turns of this task.
            Runnable fanout = new Runnable() {
                @Override
                public void run() {
                    if (busy.get()) {
                        turns.incrementAndGet();
                        sleep(TURN_MILLIS);
                        loop.execute(this);
                    }
                }
            };
            try (Socket socket = HttpWire.connect(edge.port())) {
                StringBuilder requests = new StringBuilder();
                for (int i = 0; i < REQUESTS; i++) {
                    requests.append(PipeliningProducer.request(TestEdge.PROJECT, "piped", "piped-r" + i));
                }
                loop.execute(fanout);
                socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.UTF_8));
                InputStream in = socket.getInputStream();
                int firstAnswerTurn = 0;
                EventId previous = null;
                for (int i = 0; i < REQUESTS; i++) {
                    RawResponse answer = HttpWire.readResponse(in);
                    if (i == 0) {
                        firstAnswerTurn = turns.get();
                    }
                    assertEquals(200, answer.status(), answer.bodyText());
                    // Ids grow in append order: the answers come in the order of the requests.
                    EventId id = EventId.parse(answer.bodyText().replaceAll("[^0-9-]", ""));
                    assertTrue(previous == null || id.compareTo(previous) > 0, answer.bodyText());
                    previous = id;
                }
                int turnsBetween = turns.get() - firstAnswerTurn;
                assertTrue(
                        turnsBetween <= 2,
                        "the last of " + REQUESTS + " pipelined requests was answered " + turnsBetween
                                + " turns of the busy loop after the first");
            } finally {
                busy.set(false);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
