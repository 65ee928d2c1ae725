package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.NodeScript;
import com.motioness.edge.support.RealClients;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.AssetEvent;
import com.motioness.protocol.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The npm {@code eventsource} client over HTTP/2 with prior knowledge: three EventSources share one
 * node:http2 session (its {@code fetch} sends each request as a stream of it, see
 * {@code src/test/node/es-h2-client.mjs}); each resumes across the cap with Last-Event-ID, gets its
 * own asset's events once each, in order, and stops for good on the 204 after {@code ready}.
 */
class Http2EventSourceClientTest {
    private static final Pattern FOLLOWED =
            Pattern.compile("\\{\"url\":\"[^\"]*/events/([^\"]+)\",\"seen\":\\[([^]]*)]");
    private static final Pattern SEEN = Pattern.compile("\\{\"id\":\"([^\"]*)\",\"type\":\"([a-z0-9_]+)\"}");

    @Test
    void threeEventSourcesOnOneHttp2ConnectionEachResumeAcrossTheCapAndStopAtReady() throws Exception {
        RealClients.requireEventSource();
        try (TestEdge edge = TestEdge.start(
                config -> config.maxStreamDuration(Duration.ofMillis(600)).retry(Duration.ofMillis(50)))) {
            List<List<String>> expected = new ArrayList<>();
            List<String> urls = new ArrayList<>();
            for (int a = 0; a < 3; a++) {
                expected.add(new ArrayList<>(edge.publish(
                        List.of(Events.of(EventType.QUEUED, TestEdge.PROJECT, "es-h2-" + a)), Duration.ZERO)));
                urls.add("http://127.0.0.1:" + edge.port() + TestEdge.assetPath("es-h2-" + a));
            }
            List<String> args = new ArrayList<>(List.of("es-h2-client.mjs", "30000"));
            args.addAll(urls);
            try (NodeScript client = NodeScript.start(RealClients.EVENTSOURCE_DIR, args.toArray(new String[0]))) {
                for (int i = 0; i < 20; i++) {
                    for (int a = 0; a < 3; a++) {
                        List<AssetEvent> event = List.of(Events.of(
                                i == 19 ? EventType.READY : EventType.STAGE_STARTED, TestEdge.PROJECT, "es-h2-" + a));
                        expected.get(a).addAll(edge.publish(event, Duration.ZERO));
                    }
                    Thread.sleep(60);
                }
                assertTrue(client.awaitExit(Duration.ofSeconds(40)), "the client stops by itself");
                String raw = client.report();
                Matcher followed = FOLLOWED.matcher(raw);
                int count = 0;
                while (followed.find()) {
                    int asset = Integer.parseInt(followed.group(1).substring("es-h2-".length()));
                    List<String> seen = new ArrayList<>();
                    Matcher event = SEEN.matcher(followed.group(2));
                    while (event.find()) {
                        seen.add(event.group(1) + " " + event.group(2));
                    }
                    assertEquals(expected.get(asset), seen, "every event once, in order, across reconnects: " + raw);
                    count++;
                }
                assertEquals(3, count, raw);
                assertTrue(!raw.contains("\"closed\":false"), "each stopped on 204 after ready: " + raw);
                assertTrue(edge.counter("motioness_streams_opened_by_protocol_total{protocol=\"h2\"}") >= 6, raw);
                assertEquals(0.0, edge.counter("motioness_streams_opened_by_protocol_total{protocol=\"http1\"}"), raw);
            }
        }
    }
}
