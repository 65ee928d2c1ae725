package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.H2Client;
import com.motioness.edge.support.RawH2;
import com.motioness.edge.support.TestEdge;
import io.netty.handler.codec.http2.Http2Error;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probe's hostile cases over HTTP/2: each gets a GOAWAY or a stream reset, and the server keeps
 * serving (a fresh connection is answered right after); more streams than the connection's
 * SETTINGS_MAX_CONCURRENT_STREAMS get REFUSED_STREAM.
 */
class Http2HostileTest {
    private static TestEdge edge;

    @BeforeAll
    static void start() throws Exception {
        edge = TestEdge.start(config -> config.h2MaxStreams(4));
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    @Test
    void aStreamPastTheMaximumIsRefusedAndTheOthersAreServed() throws Exception {
        try (RawH2 h2 = RawH2.connect(edge.port())) {
            for (int stream = 1; stream <= 9; stream += 2) {
                h2.send(
                        RawH2.HEADERS,
                        RawH2.END_STREAM | RawH2.END_HEADERS,
                        stream,
                        RawH2.getBlock(TestEdge.assetPath("h2-max-" + stream)));
            }
            RawH2.Frame reset = null;
            Set<Integer> answered = new HashSet<>();
            while (reset == null || answered.size() < 4) {
                RawH2.Frame frame = h2.read();
                assertNotNull(frame, "the fifth stream reset, the four within the limit answered");
                if (frame.type() == RawH2.HEADERS) {
                    answered.add(frame.stream());
                } else if (frame.type() == RawH2.RST_STREAM) {
                    reset = frame;
                }
            }
            assertEquals(9, reset.stream());
            assertEquals(Http2Error.REFUSED_STREAM.code(), reset.errorCode());
            assertEquals(Set.of(1, 3, 5, 7), answered);
        }
        edge.awaitOpenStreams(0);
        assertServed();
    }

    @Test
    void aMalformedFrameOnTheConnectionGetsGoAway() throws Exception {
        try (RawH2 h2 = RawH2.connect(edge.port())) {
            // SETTINGS whose length is no multiple of 6 (RFC 9113 section 6.5): FRAME_SIZE_ERROR.
            h2.send(RawH2.SETTINGS, 0, 0, new byte[5]);
            RawH2.Frame goAway = h2.readUntil(RawH2.GOAWAY);
            assertNotNull(goAway);
            assertEquals(Http2Error.FRAME_SIZE_ERROR.code(), goAway.errorCode());
        }
        try (RawH2 h2 = RawH2.connect(edge.port())) {
            // DATA on stream 0: PROTOCOL_ERROR.
            h2.send(RawH2.DATA, 0, 0, new byte[] {1, 2, 3});
            RawH2.Frame goAway = h2.readUntil(RawH2.GOAWAY);
            assertNotNull(goAway);
            assertEquals(Http2Error.PROTOCOL_ERROR.code(), goAway.errorCode());
        }
        try (RawH2 h2 = RawH2.connect(edge.port())) {
            // A frame longer than SETTINGS_MAX_FRAME_SIZE (16,384).
            h2.sendBytes(RawH2.frame(RawH2.PING, 0, 0, new byte[20_000]));
            RawH2.Frame goAway = h2.readUntil(RawH2.GOAWAY);
            assertNotNull(goAway);
            assertEquals(Http2Error.FRAME_SIZE_ERROR.code(), goAway.errorCode());
        }
        assertServed();
    }

    @Test
    void aFloodOfRstStreamGetsGoAway() throws Exception {
        try (RawH2 h2 = RawH2.connect(edge.port())) {
            ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                int stream = 1 + 2 * i;
                flood.writeBytes(RawH2.frame(
                        RawH2.HEADERS, RawH2.END_STREAM | RawH2.END_HEADERS, stream, RawH2.getBlock("/dashboard/")));
                flood.writeBytes(RawH2.frame(RawH2.RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8}));
            }
            sendIgnoringReset(h2, flood.toByteArray());
            RawH2.Frame goAway = h2.readUntil(RawH2.GOAWAY);
            assertNotNull(goAway, "GOAWAY after the rapid resets");
            assertEquals(Http2Error.ENHANCE_YOUR_CALM.code(), goAway.errorCode());
        }
        assertServed();
    }

    @Test
    void aFloodOfSettingsWhoseAcksAreNotReadEndsTheConnection() throws Exception {
        try (RawH2 h2 = RawH2.connect(edge.port())) {
            byte[] settings = RawH2.frame(RawH2.SETTINGS, 0, 0, new byte[0]);
            byte[] flood = new byte[settings.length * 20_000];
            for (int i = 0; i < 20_000; i++) {
                System.arraycopy(settings, 0, flood, i * settings.length, settings.length);
            }
            // Sent without reading the ACKs: they queue in the server until its bound, then GOAWAY.
            boolean ended = false;
            for (int round = 0; round < 50 && !ended; round++) {
                ended = !sendIgnoringReset(h2, flood);
            }
            RawH2.Frame frame = h2.readUntil(RawH2.GOAWAY);
            // Either the GOAWAY is read behind the ACKs, or the reset connection lost it: both end here.
            if (frame != null) {
                assertEquals(Http2Error.ENHANCE_YOUR_CALM.code(), frame.errorCode());
            }
        }
        assertServed();
    }

    @Test
    void aHeaderBlockOverTheLimitIsRefused() throws Exception {
        try (RawH2 h2 = RawH2.connect(edge.port())) {
            // 40 KB of headers in a HEADERS frame and CONTINUATION frames, against 8 KiB allowed.
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            block.writeBytes(RawH2.getBlock(TestEdge.assetPath("h2-huge")));
            for (int i = 0; i < 40; i++) {
                RawH2.literal(block, "x-filler-" + i, "v".repeat(1000));
            }
            byte[] bytes = block.toByteArray();
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            int chunk = 4000;
            for (int at = 0; at < bytes.length; at += chunk) {
                byte[] part = java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + chunk));
                boolean last = at + chunk >= bytes.length;
                frames.writeBytes(RawH2.frame(
                        at == 0 ? RawH2.HEADERS : RawH2.CONTINUATION,
                        (at == 0 ? RawH2.END_STREAM : 0) | (last ? RawH2.END_HEADERS : 0),
                        1,
                        part));
            }
            sendIgnoringReset(h2, frames.toByteArray());
            RawH2.Frame refused = h2.readUntilGoAwayOrReset();
            assertNotNull(refused, "GOAWAY or RST_STREAM");
        }
        assertServed();
    }

    @Test
    void aFloodOfEmptyContinuationFramesGetsGoAway() throws Exception {
        try (RawH2 h2 = RawH2.connect(edge.port())) {
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            frames.writeBytes(
                    RawH2.frame(RawH2.HEADERS, RawH2.END_STREAM, 1, RawH2.getBlock(TestEdge.assetPath("h2-cont"))));
            for (int i = 0; i < 1000; i++) {
                frames.writeBytes(RawH2.frame(RawH2.CONTINUATION, 0, 1, new byte[0]));
            }
            sendIgnoringReset(h2, frames.toByteArray());
            RawH2.Frame goAway = h2.readUntil(RawH2.GOAWAY);
            assertNotNull(goAway);
            assertEquals(Http2Error.ENHANCE_YOUR_CALM.code(), goAway.errorCode());
        }
        assertServed();
    }

    /** Sends, tolerating a server that ended the connection meanwhile; false when it did. */
    private static boolean sendIgnoringReset(RawH2 h2, byte[] bytes) {
        try {
            h2.sendBytes(bytes);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A fresh connection is served at once, over HTTP/2. */
    private static void assertServed() throws Exception {
        try (H2Client client = H2Client.connect(edge.port())) {
            H2Client.Stream dashboard = client.get("/dashboard/");
            assertEquals(200, dashboard.status());
            dashboard.awaitEnd(java.time.Duration.ofSeconds(10));
            assertTrue(dashboard.endedCleanly());
        }
    }
}
