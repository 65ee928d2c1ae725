package com.motioness.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.config.OpsSettings;
import com.motioness.edge.support.OwnRedis;
import com.motioness.edge.support.ReadmeExample;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's examples run as a reader runs them, so they cannot rot: each example's marked bash
 * blocks ({@link ReadmeExample}) as one bash script, from the repository's root, against the jar this
 * build made (the {@code integration-test} phase, after {@code package}), with the real curl and
 * redis-cli.
 *
 * <p>As written, except for what a machine that is not fresh needs: every port the example names
 * (and the default port, given to its edges as {@code MOTIONESS_PORT}) is moved to a free one, an
 * admin port with its edge's ({@code --port} + 1000), so the test never binds a fixed port and runs
 * while a demo holds 8080; an example on Redis gets a redis-server of its own on a free port, as it
 * writes the default {@code mx} keys. A stream ({@code curl -N}) is ended after
 * {@link #STREAM_SECONDS}, as the reader's Ctrl-C would; a server block runs in the background and is
 * stopped at the end.
 *
 * <p>Checked: the script exits 0 ({@code set -e}: every command succeeded); every answer the README
 * documents ({@code # {...}}) was printed, any number standing for any number; every stream showed
 * an event; no edge answered an error and Redis none either; and nothing the example started is left
 * running (what is, is killed by its pid).
 */
class ReadmeExamplesIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path JAR = ROOT.resolve("edge/target/motioness-edge.jar");
    private static final int STREAM_SECONDS = 2;
    private static final long SCRIPT_SECONDS = 45;
    /** A port the README names: in a URL or a {@code --port} flag. */
    private static final Pattern PORT = Pattern.compile("((?:localhost|127\\.0\\.0\\.1):|--port )(\\d{2,5})\\b");

    private static final Pattern REDIS_CLI = Pattern.compile("(?m)^(\\s*)redis-cli ");
    private static final int REDIS_PORT = 6379;
    private static final int DEFAULT_PORT = 8080;
    /** Printed after a documented answer's command. */
    private static final String ANSWER_MARK = "printf '\\n### answer\\n'";

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> theReadmesExamplesRunAsWritten() throws IOException {
        assertTrue(
                Files.isRegularFile(JAR),
                JAR + " is missing: this test runs after package (./mvnw verify), or "
                        + "build it first: ./mvnw -o -q -B -pl protocol,edge -DskipTests package");
        List<ReadmeExample> examples = ReadmeExample.parse(Files.readString(ROOT.resolve("README.md")));
        assertFalse(examples.isEmpty(), "no <!-- example NAME --> block in the README");
        return examples.stream().map(example -> DynamicTest.dynamicTest(example.name(), () -> run(example)));
    }

    private void run(ReadmeExample example) throws Exception {
        String written = written(example);
        OwnRedis redis = written.contains(":" + REDIS_PORT)
                        || REDIS_CLI.matcher(written).find()
                ? OwnRedis.startWithoutPersistence(Files.createDirectories(dir.resolve(example.name() + "-redis")))
                : null;
        try {
            Map<Integer, Integer> ports = freePorts(written);
            Path script = dir.resolve(example.name() + ".sh");
            Files.writeString(script, prelude(ports.get(DEFAULT_PORT)) + rewrite(written, ports, redis));
            Path out = dir.resolve(example.name() + ".out");
            Path err = dir.resolve(example.name() + ".err");
            long started = System.nanoTime();
            ProcessBuilder builder = new ProcessBuilder("bash", script.toString())
                    .directory(ROOT.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            // A reader's fresh shell: the test run's MOTIONESS_* variables would be the edges' settings.
            builder.environment().keySet().removeIf(name -> name.startsWith("MOTIONESS_"));
            Process bash = builder.start();
            boolean ended = bash.waitFor(SCRIPT_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                // Only what this script started, by pid.
                bash.descendants().forEach(ProcessHandle::destroyForcibly);
                bash.destroyForcibly().waitFor();
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String report = "example " + example.name() + ", ports " + ports
                    + (redis == null ? "" : ", redis-server on " + redis.port()) + ":\n" + Files.readString(script)
                    + "\n--- stdout:\n" + stdout + "\n--- stderr (last 4000 characters):\n" + tail(err);
            System.out.println("ReadmeExamplesIT: " + example.name() + " took "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
            assertTrue(ended, "still running after " + SCRIPT_SECONDS + " s; " + report);
            assertEquals(0, bash.exitValue(), report);
            assertFalse(stdout.contains("### left running"), "left running: " + report);
            assertDocumentedAnswers(example.documentedAnswers(), stdout, report);
            assertStreamsShowedEvents(stdout, report);
            assertFalse(stdout.contains("{\"error\":"), "an edge answered an error; " + report);
            assertFalse(
                    Pattern.compile("(?m)^(ERR|\\(error\\)) ").matcher(stdout).find(),
                    "Redis answered an error; " + report);
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    /** The example's blocks as the reader runs them: a server's command in the background. */
    private static String written(ReadmeExample example) {
        StringBuilder script = new StringBuilder();
        for (ReadmeExample.Block block : example.blocks()) {
            if (block.server()) {
                String command = block.serverCommand();
                Matcher port = Pattern.compile("--port (\\d+)").matcher(command);
                // "localhost:PORT": moved with the example's other ports.
                script.append(command)
                        .append(" &\nservers=\"$servers $!\"\nwait_listening localhost:")
                        .append(port.find() ? port.group(1) : Integer.toString(DEFAULT_PORT))
                        .append('\n');
            } else {
                // After each documented answer's command, a mark: what the command printed is
                // checked against its own answer, not against anything the example printed.
                Matcher answer = ReadmeExample.DOCUMENTED_ANSWER.matcher(block.text());
                StringBuilder marked = new StringBuilder();
                while (answer.find()) {
                    answer.appendReplacement(marked, Matcher.quoteReplacement(answer.group() + "\n" + ANSWER_MARK));
                }
                answer.appendTail(marked);
                script.append(marked);
            }
        }
        return script.toString();
    }

    /**
     * A free port for each port the script names, and for the default; an admin port ({@code --port}
     * + 1000 of a port it names) moves with its edge's, so both must be free.
     */
    private static Map<Integer, Integer> freePorts(String script) throws IOException {
        TreeSet<Integer> named = new TreeSet<>();
        named.add(DEFAULT_PORT);
        Matcher port = PORT.matcher(script);
        while (port.find()) {
            int number = Integer.parseInt(port.group(2));
            if (number != REDIS_PORT) {
                named.add(number);
            }
        }
        Map<Integer, Integer> moved = new TreeMap<>();
        for (int number : named) {
            Integer edge = moved.get(number - OpsSettings.ADMIN_PORT_OFFSET);
            moved.put(number, edge != null ? edge + OpsSettings.ADMIN_PORT_OFFSET : freeEdgePort(moved));
        }
        return moved;
    }

    /** A free port whose admin port (+ 1000) is free too, and not given out already. */
    private static int freeEdgePort(Map<Integer, Integer> given) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket edge = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = edge.getLocalPort();
                if (port + OpsSettings.ADMIN_PORT_OFFSET > 65_535
                        || given.containsValue(port)
                        || given.containsValue(port + OpsSettings.ADMIN_PORT_OFFSET)) {
                    continue;
                }
                try {
                    new ServerSocket(port + OpsSettings.ADMIN_PORT_OFFSET, 1, InetAddress.getLoopbackAddress()).close();
                    return port;
                } catch (IOException taken) {
                    // Its admin port is someone's: try another.
                }
            }
        }
        throw new IOException("no free port with a free port 1000 above it");
    }

    private static String rewrite(String script, Map<Integer, Integer> ports, OwnRedis redis) {
        Matcher port = PORT.matcher(script);
        StringBuilder moved = new StringBuilder();
        while (port.find()) {
            int number = Integer.parseInt(port.group(2));
            int to = number == REDIS_PORT ? redis.port() : ports.get(number);
            port.appendReplacement(moved, Matcher.quoteReplacement(port.group(1) + to));
        }
        port.appendTail(moved);
        return redis == null
                ? moved.toString()
                : REDIS_CLI.matcher(moved).replaceAll("$1redis-cli -p " + redis.port() + " ");
    }

    /**
     * What the test adds before the README's lines: the default port, streams that end as a
     * reader's Ctrl-C would (marked in stdout, so each is checked on its own), a wait for a server,
     * and, whatever happens, the end: servers stopped, jobs awaited, what is left killed by pid.
     */
    private static String prelude(int defaultPort) {
        return String.join(
                "\n",
                "set -e",
                "export MOTIONESS_PORT=" + defaultPort,
                "servers=''",
                "finish() {",
                "  local rc=$?",
                "  set +e +x",
                "  [ -z \"$servers\" ] || kill $servers 2>/dev/null",
                "  for _ in $(seq 150); do [ -z \"$(jobs -pr)\" ] && break; sleep 0.1; done",
                "  local left; left=$(jobs -pr | tr '\\n' ' ')",
                "  if [ -n \"$left\" ]; then echo \"### left running: $left\"; kill -9 $left; fi",
                "  exit $rc",
                "}",
                "trap finish EXIT",
                "curl() {",
                "  local - stream='' arg rc=0",
                "  set +x",
                "  for arg in \"$@\"; do",
                "    if [[ $arg == --no-buffer || ( $arg == -[!-]* && $arg == *N* ) ]]; then stream=yes; fi",
                "  done",
                "  [ -n \"$stream\" ] || { command curl \"$@\"; return; }",
                "  printf '\\n### stream %s\\n' \"${*: -1}\"",
                "  command curl --max-time " + STREAM_SECONDS + " \"$@\" || rc=$?",
                "  printf '\\n### end\\n'",
                "  [ $rc -eq 0 ] || [ $rc -eq 28 ]",
                "}",
                "wait_listening() {",
                "  for _ in $(seq 300); do",
                "    (exec 3<>\"/dev/tcp/127.0.0.1/${1#*:}\") 2>/dev/null && return 0",
                "    sleep 0.1",
                "  done",
                "  echo \"nothing listens on $1\" >&2; return 1",
                "}",
                "PS4='+ ${EPOCHREALTIME} '",
                "set -x",
                "");
    }

    /** Each documented answer is a line of what was printed since the previous answer's mark. */
    private static void assertDocumentedAnswers(List<Pattern> answers, String stdout, String report) {
        String[] printed = stdout.split("\n### answer\n", -1);
        assertEquals(answers.size() + 1, printed.length, "marks of documented answers; " + report);
        for (int i = 0; i < answers.size(); i++) {
            Pattern answer = answers.get(i);
            assertTrue(
                    printed[i]
                            .lines()
                            .anyMatch(line -> answer.matcher(line.strip()).matches()),
                    "the documented answer " + answer + " is not what its command printed:\n" + printed[i] + "\n"
                            + report);
        }
    }

    private static void assertStreamsShowedEvents(String stdout, String report) {
        Matcher stream =
                Pattern.compile("(?s)### stream (\\S+)\\n(.*?)\\n### end").matcher(stdout);
        List<String> silent = new ArrayList<>();
        while (stream.find()) {
            if (!Pattern.compile("(?m)^event: \\w+\\nid: \\S+\\ndata: \\{")
                    .matcher(stream.group(2))
                    .find()) {
                silent.add(stream.group(1));
            }
        }
        assertTrue(silent.isEmpty(), "streams that showed no event: " + silent + "; " + report);
    }

    private static String tail(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }
}
