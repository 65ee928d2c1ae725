package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.NodeScript;
import com.motioness.edge.support.RealClients;
import com.motioness.edge.support.TestEdge;
import com.motioness.edge.support.TestTls;
import com.motioness.protocol.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Twenty EventSources of one page, on the edge's own https origin, in Debian's Chromium headless
 * ({@code src/test/browser/h2-event-sources.mjs}): ALPN gives HTTP/2, so all twenty share one
 * connection and stream at once, where HTTP/1.1 would hold all but six waiting for a connection.
 */
class Http2BrowserTest {
    private static final int STREAMS = 20;
    private static final Duration AWAIT = Duration.ofSeconds(60);

    @Test
    void twentyEventSourcesOfOnePageStreamAtOnceOverHttp2() throws Exception {
        String chromium = RealClients.requireChromium();
        TestTls tls = TestTls.get();
        try (TestEdge edge = TestEdge.start(
                config -> config.tlsCert(tls.a.cert()).tlsKey(tls.a.key()).cleartextPort(0))) {
            List<String> assets = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                assets.add("h2-page-" + i);
            }
            String options = """
                    {"chromium": "%s", "timeoutMs": 20000, "tlsTerminatorPort": %d,
                     "origin": "https://127.0.0.1:%d", "key": "%s", "assets": [%s]}
                    """.formatted(
                    chromium,
                    edge.server().cleartextPort(),
                    edge.port(),
                    TestEdge.KEY,
                    String.join(",", assets.stream().map(a -> '"' + a + '"').toList()));
            try (NodeScript browser = NodeScript.start(RealClients.BROWSER_DIR, "h2-event-sources.mjs", options)) {
                browser.await(line -> line.equals("OPEN") || line.startsWith("FAIL"), AWAIT);
                if (!browser.prefixed("FAIL").isEmpty()) {
                    fail("the page's streams did not all open:\n" + browser.report());
                }
                // Every stream is open before any event: twenty at once, which HTTP/1.1's six
                // connections per origin could not hold.
                List<String> expected = new ArrayList<>();
                for (String asset : assets) {
                    for (String published : edge.publish(
                            List.of(Events.of(EventType.QUEUED, TestEdge.PROJECT, asset)), Duration.ZERO)) {
                        expected.add(asset + " " + published);
                    }
                }
                browser.await("DONE"::equals, AWAIT);
                String report = browser.report();
                assertTrue(browser.prefixed("PAGE_ERROR").isEmpty(), report);
                List<String> streamed = new ArrayList<>(browser.prefixed("STREAM "));
                Collections.sort(streamed);
                Collections.sort(expected);
                assertEquals(expected, streamed, "each stream its own asset's event, once: " + report);
                assertEquals(Collections.nCopies(STREAMS, "h2"), browser.prefixed("PROTOCOL "), report);
            }
        }
    }
}
