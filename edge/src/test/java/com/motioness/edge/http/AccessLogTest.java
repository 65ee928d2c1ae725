package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.Poll;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access log: one line per stream on logger motioness.access, off or sampled. slf4j-simple
 * writes to whatever System.err is when it logs, so the test puts a copying stream there.
 */
class AccessLogTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern LINE = Pattern.compile("motioness\\.access - (.*)");

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private TestEdge edge;

    @BeforeEach
    void capture() {
        originalErr = System.err;
        PrintStream original = originalErr;
        System.setErr(new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        synchronized (captured) {
                            captured.write(b);
                        }
                        original.write(b);
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int length) {
                        synchronized (captured) {
                            captured.write(bytes, offset, length);
                        }
                        original.write(bytes, offset, length);
                    }
                },
                true,
                StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        if (edge != null) {
            edge.close();
        }
    }

    private List<String> accessLines() {
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher matcher = LINE.matcher(line);
            if (matcher.find()) {
                lines.add(matcher.group(1).trim());
            }
        }
        return lines;
    }

    @Test
    void oneLinePerStreamWithItsFields() throws Exception {
        edge = TestEdge.start(config -> config.accessLogSample(1));
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
        EventId ended;
        try (SseClient asset = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
            asset.nextEvent(WAIT);
            edge.awaitOpenStreams(1);
            ended = edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "a1"))
                    .get(0);
            assertTrue(asset.awaitEnd(WAIT));
        }
        Poll.until(() -> accessLines().size() == 1, WAIT, "one access line");
        String line = accessLines().get(0);
        assertTrue(
                line.matches("route=public_asset project=proj-a asset=a1 status=200 duration_ms=\\d+ events=2 "
                        + "bytes=\\d+ reason=terminal client=127\\.0\\.0\\.1"),
                line);
        long bytes = Long.parseLong(line.replaceAll(".* bytes=(\\d+) .*", "$1"));
        assertTrue(bytes > 2 * 40 && bytes < 2000, line);

        try (SseClient feed = SseClient.open(
                edge.port(), "/api/projects/" + TestEdge.PROJECT + "/activity", TestEdge.cookie(TestEdge.SESSION))) {
            assertEquals(200, feed.status());
            edge.awaitOpenStreams(1);
        }
        Poll.until(() -> accessLines().size() == 2, WAIT, "a line for the feed");
        assertTrue(
                accessLines()
                        .get(1)
                        .matches("route=project_activity project=proj-a asset=- status=200 "
                                + "duration_ms=\\d+ events=0 bytes=0 reason=client client=127\\.0\\.0\\.1"),
                accessLines().get(1));

        assertEquals(
                204,
                HttpWire.get(edge.port(), TestEdge.assetPath("a1"), "Last-Event-ID: " + ended)
                        .status());
        Poll.until(() -> accessLines().size() == 3, WAIT, "a line for the refused stream");
        assertTrue(
                accessLines()
                        .get(2)
                        .matches("route=public_asset project=proj-a asset=a1 status=204 duration_ms=\\d+ "
                                + "events=0 bytes=0 reason=refused client=127\\.0\\.0\\.1"),
                accessLines().get(2));
    }

    @Test
    void offWritesNothing() throws Exception {
        edge = TestEdge.start(config -> config.accessLogSample(0));
        String ended = "Last-Event-ID: "
                + edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "a0"))
                        .get(0);
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    204,
                    HttpWire.get(edge.port(), TestEdge.assetPath("a0"), ended).status());
        }
        edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
        try (SseClient asset = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
            asset.nextEvent(WAIT);
        }
        edge.awaitOpenStreams(0);
        assertEquals(List.of(), accessLines());
    }

    @Test
    void aFractionLogsSomeStreams() throws Exception {
        edge = TestEdge.start(config -> config.accessLogSample(0.5));
        int requests = 60;
        String ended = "Last-Event-ID: "
                + edge.append(Events.of(EventType.READY, TestEdge.PROJECT, "a0"))
                        .get(0);
        for (int i = 0; i < requests; i++) {
            assertEquals(
                    204,
                    HttpWire.get(edge.port(), TestEdge.assetPath("a0"), ended).status());
        }
        // The line is written before the 204 is: all are in by now.
        int logged = accessLines().size();
        assertTrue(logged > 0 && logged < requests, logged + " of " + requests + " logged at 0.5");
    }
}
