package com.motioness.edge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.SseBlock;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventId;
import com.motioness.protocol.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomized: no combination of key, cookie, route, asset and cursor ever delivers another
 * project's event. Each combination's allowed project is worked out independently of the edge's
 * code; every event received must belong to it. Seeded, so a failure reproduces.
 */
class ProjectIsolationTest {
    private static final long SEED = 20261128L;
    private static final int ROUNDS = 300;

    @Test
    void noCombinationDeliversAnotherProjectsEvent() throws Exception {
        try (TestEdge edge = TestEdge.start(config -> config.pingInterval(Duration.ofMillis(100)))) {
            List<EventId> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.addAll(edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a" + i)));
                ids.addAll(edge.append(Events.of(EventType.QUEUED, TestEdge.OTHER_PROJECT, "b" + i)));
            }
            String[] keys = {TestEdge.KEY, TestEdge.OTHER_KEY, "unknown-key-000000"};
            String[] keyProjects = {TestEdge.PROJECT, TestEdge.OTHER_PROJECT, null};
            String[] sessions = {TestEdge.SESSION, TestEdge.OTHER_SESSION, null, "forged-session"};
            String[] sessionProjects = {TestEdge.PROJECT, TestEdge.OTHER_PROJECT, null, null};
            String[] assets = {"a0", "a1", "b0", "b2", "missing"};
            String[] projects = {TestEdge.PROJECT, TestEdge.OTHER_PROJECT, "proj-c"};
            Random random = new Random(SEED);
            int streamed = 0;
            for (int round = 0; round < ROUNDS; round++) {
                int route = random.nextInt(3);
                int key = random.nextInt(keys.length);
                int session = random.nextInt(sessions.length);
                String asset = assets[random.nextInt(assets.length)];
                String project = projects[random.nextInt(projects.length)];
                String cursor = switch (random.nextInt(4)) {
                    case 0 -> null;
                    case 1 -> ids.get(random.nextInt(ids.size())).toString();
                    case 2 -> "0";
                    default -> "not-a-cursor";
                };
                String path = switch (route) {
                    case 0 -> "/v1/" + keys[key] + "/events/" + asset;
                    case 1 -> "/api/assets/" + asset + "/events";
                    default -> "/api/projects/" + project + "/activity";
                };
                String allowed = switch (route) {
                    case 0 -> keyProjects[key];
                    case 1 -> sessionProjects[session];
                    default -> project.equals(sessionProjects[session]) ? project : null;
                };
                List<String> headers = new ArrayList<>();
                if (sessions[session] != null) {
                    headers.add(TestEdge.cookie(sessions[session]));
                }
                if (cursor != null) {
                    headers.add("Last-Event-ID: " + cursor);
                }
                try (SseClient client = SseClient.open(edge.port(), path, headers.toArray(new String[0]))) {
                    String combination = "round " + round + ": " + path + " " + headers;
                    if (client.status() != 200) {
                        continue;
                    }
                    assertTrue(allowed != null, "a stream opened without a right to any project: " + combination);
                    streamed++;
                    // Replay comes first; the first ping says it is over.
                    for (SseBlock block = client.next(Duration.ofSeconds(5));
                            !block.isPing();
                            block = client.next(Duration.ofSeconds(5))) {
                        if (block.isEvent()) {
                            assertTrue(
                                    block.data().contains("\"project_id\":\"" + allowed + "\""),
                                    combination + " delivered " + block.data());
                        }
                    }
                }
            }
            assertTrue(streamed > 30, "enough combinations were allowed to stream to mean something: " + streamed);
            edge.awaitOpenStreams(0);
            assertEquals(0, edge.server().openStreams());
        }
    }
}
