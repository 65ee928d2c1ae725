package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.HttpWire;
import com.motioness.edge.support.SseClient;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fuzz: mutated request lines, headers, cookies and cursors on raw sockets. Every answer must be
 * a known status with a JSON body (or a stream, or a plain close); the server must stay up and
 * serve a good request afterwards; the leak check (run after every test class) must find no
 * buffer left unreleased. Seeded, so a failure reproduces.
 */
class MalformedRequestFuzzTest {
    private static final long SEED = 424242L;
    private static final int ROUNDS = 300;
    private static final Set<Integer> KNOWN = Set.of(200, 204, 400, 401, 403, 404, 405, 408, 413, 429, 431, 505);

    private static final String[] PIECES = {
        "\r\n",
        "\n",
        "\r",
        "\0",
        " ",
        ":",
        "%",
        "%zz",
        "%00",
        "..",
        "/",
        "?",
        "=",
        ";",
        ",",
        "\"",
        "é",
        "\u2028",
        "Last-Event-ID: ",
        "Cookie: better-auth.session_token=",
        "Transfer-Encoding: chunked",
        "Content-Length: -1",
        "Content-Length: 99999999999",
        "Host: x",
        "GET",
        "POST",
        "OPTIONS",
        "HTTP/1.1",
        "HTTP/9.9",
        "1700-",
        "-0",
        "99999999999999999999",
        "x".repeat(300),
    };

    @Test
    void noMalformedRequestCrashesTheServerOrLeaks() throws Exception {
        try (TestEdge edge = TestEdge.start(config -> config.headerTimeout(Duration.ofMillis(100)))) {
            edge.append(Events.of(EventType.QUEUED, TestEdge.PROJECT, "a1"));
            String base = "GET " + TestEdge.assetPath("a1") + "?lastEventId=1 HTTP/1.1\r\nHost: x\r\n"
                    + TestEdge.cookie(TestEdge.SESSION) + "\r\nLast-Event-ID: 1700-1\r\nOrigin: " + TestEdge.ORIGIN
                    + "\r\n\r\n";
            Random random = new Random(SEED);
            int answered = 0;
            for (int round = 0; round < ROUNDS; round++) {
                String request = mutate(base, random);
                int status = exchange(edge.port(), request.getBytes(StandardCharsets.UTF_8));
                if (status > 0) {
                    answered++;
                    assertTrue(
                            KNOWN.contains(status),
                            "round " + round + " answered " + status + " to "
                                    + request.replace("\r", "\\r").replace("\n", "\\n"));
                }
            }
            // An incomplete request is answered 408 by the header timeout: every round gets an answer.
            assertEquals(ROUNDS, answered, "every mutation got an answer");
            edge.awaitOpenStreams(0);
            try (SseClient client = SseClient.open(edge.port(), TestEdge.assetPath("a1"))) {
                assertEquals(200, client.status(), "still serving");
                assertEquals("queued", client.nextEvent(Duration.ofSeconds(5)).event());
            }
        }
    }

    private static String mutate(String request, Random random) {
        StringBuilder mutated = new StringBuilder(request);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(mutated.length() + 1);
            switch (random.nextInt(4)) {
                case 0 -> mutated.insert(at, PIECES[random.nextInt(PIECES.length)]);
                case 1 -> mutated.delete(at, Math.min(mutated.length(), at + 1 + random.nextInt(8)));
                case 2 -> mutated.setLength(Math.max(1, at));
                default -> {
                    if (at < mutated.length()) {
                        mutated.setCharAt(at, (char) random.nextInt(256));
                    }
                }
            }
        }
        return mutated.toString();
    }

    /** Sends the bytes and reads the first answer's head: its status, or 0 if the server just closed. */
    private static int exchange(int port, byte[] request) throws IOException {
        try (Socket socket = HttpWire.connect(port)) {
            socket.setSoTimeout(5_000);
            try {
                socket.getOutputStream().write(request);
            } catch (IOException closedEarly) {
                // The server may answer and close before it has read everything.
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                int read;
                while ((read = in.read(buffer)) != -1 && answer.size() < 65536) {
                    answer.write(buffer, 0, read);
                    String sofar = answer.toString(StandardCharsets.ISO_8859_1);
                    int head = sofar.indexOf("\r\n\r\n");
                    if (head > 0
                            && (sofar.startsWith("HTTP/1.1 200")
                                    || sofar.startsWith("HTTP/1.1 204")
                                    || sofar.indexOf('}', head) > 0)) {
                        break;
                    }
                }
            } catch (IOException reset) {
                // A reset after the answer is a close too.
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ")) {
                return 0;
            }
            int status = Integer.parseInt(text.substring(9, 12));
            if (status != 200 && status != 204) {
                int body = text.indexOf("\r\n\r\n");
                assertTrue(
                        body > 0 && text.substring(body + 4).startsWith("{\"error\":\""), "JSON error body: " + text);
            }
            return status;
        }
    }
}
