package com.motioness.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.support.Events;
import com.motioness.edge.support.TestEdge;
import com.motioness.protocol.EventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code curl --http2-prior-knowledge -N}, as the README shows it: the stream over h2c, then its end. */
class Http2CurlTest {
    private static TestEdge edge;

    @BeforeAll
    static void start() throws Exception {
        edge = TestEdge.start();
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    @Test
    void curlReadsAStreamOverH2cAndExitsAtItsEnd() throws Exception {
        edge.append(
                Events.of(EventType.QUEUED, TestEdge.PROJECT, "curl-h2"),
                Events.of(EventType.READY, TestEdge.PROJECT, "curl-h2"));
        Result curl = curl(
                "-sS",
                "-N",
                "--http2-prior-knowledge",
                "-w",
                "\n%{http_version} %{http_code}\n",
                "http://127.0.0.1:" + edge.port() + TestEdge.assetPath("curl-h2"));
        assertEquals(0, curl.exit(), curl.output());
        assertTrue(curl.output().contains("event: queued"), curl.output());
        assertTrue(curl.output().contains("event: ready"), curl.output());
        assertTrue(curl.output().endsWith("\n2 200\n"), curl.output());
    }

    @Test
    void curlGetsJsonErrorsOverH2c() throws Exception {
        Result curl = curl(
                "-sS",
                "--http2-prior-knowledge",
                "-w",
                "\n%{http_version} %{http_code}\n",
                "http://127.0.0.1:" + edge.port() + "/v1/unknown-key-0123456789/events/a1");
        assertEquals(0, curl.exit(), curl.output());
        assertTrue(curl.output().contains("\"unknown_project_key\""), curl.output());
        assertTrue(curl.output().endsWith("\n2 401\n"), curl.output());
    }

    private record Result(int exit, String output) {}

    private static Result curl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "--max-time", "20"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("curl is not installed");
            throw e;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return new Result(process.exitValue(), output);
    }
}
