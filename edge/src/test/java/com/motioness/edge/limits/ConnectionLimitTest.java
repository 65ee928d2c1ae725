package com.motioness.edge.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Past --max-connections a new connection is reset at once; a place freed is taken again. */
class ConnectionLimitTest {

    @Test
    void aConnectionPastTheLimitIsResetAndAFreedPlaceIsTakenAgain() throws Exception {
        try (TestEdge edge = TestEdge.start(config -> config.maxConnections(3))) {
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "limited"));
            List<SseClient> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    SseClient stream = SseClient.open(edge.port(), TestEdge.assetPath("limited"));
                    streams.add(stream);
                    assertNotNull(stream.nextEvent(Duration.ofSeconds(5)));
                }
                assertEquals(3, edge.metric("motioness_connections_open"));

                // Reset before any byte of a response: on loopback the reset may already reach
                // connect(), or the write, or the read (end of stream or a reset).
                int first;
                try (Socket fourth = new Socket()) {
                    fourth.connect(new InetSocketAddress("127.0.0.1", edge.port()), 5_000);
                    fourth.setSoTimeout(5_000);
                    fourth.getOutputStream()
                            .write(("GET " + TestEdge.assetPath("limited") + " HTTP/1.1\r\nHost: x\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                    InputStream in = fourth.getInputStream();
                    first = in.read();
                } catch (SocketException reset) {
                    first = -1;
                }
                assertEquals(-1, first, "no response past the limit");
                assertEquals(1, edge.metric("motioness_connections_refused_total"));
                assertEquals(3, edge.metric("motioness_connections_max"));

                streams.remove(0).close();
                Poll.until(() -> openConnections(edge) == 2, Duration.ofSeconds(5), "a place is given back");
                SseClient again = SseClient.open(edge.port(), TestEdge.assetPath("limited"));
                streams.add(again);
                assertNotNull(again.nextEvent(Duration.ofSeconds(5)), "a freed place is taken again");
            } finally {
                for (SseClient stream : streams) {
                    stream.close();
                }
            }
        }
    }

    @Test
    void theDefaultKeepsHeadroomBelowTheOpenFileLimit() {
        ConnectionLimit limit = ConnectionLimit.of(0);
        assertTrue(limit.max() >= 1);
        assertEquals(7, ConnectionLimit.of(7).max());
        assertThrows(IllegalArgumentException.class, () -> new ConnectionLimit(0));
    }

    private static double openConnections(TestEdge edge) {
        try {
            return edge.metric("motioness_connections_open");
        } catch (IOException e) {
            return -1;
        }
    }
}
