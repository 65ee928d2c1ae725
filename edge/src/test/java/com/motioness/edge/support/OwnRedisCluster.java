package com.motioness.edge.support;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of three masters of a test's own, on free loopback ports, each in its own
 * folder. Stopped by the process handles it started.
 */
public final class OwnRedisCluster implements AutoCloseable {
    private final List<Process> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private OwnRedisCluster() {}

    /** Starts three masters and joins them into one Cluster; returns when it reports ok. */
    public static OwnRedisCluster start(Path dir) throws Exception {
        OwnRedisCluster cluster = new OwnRedisCluster();
        try {
            for (int i = 0; i < 3; i++) {
                int port;
                try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                    port = probe.getLocalPort();
                }
                Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
                cluster.ports.add(port);
                cluster.nodes.add(new ProcessBuilder(
                                "redis-server",
                                "--port",
                                Integer.toString(port),
                                "--bind",
                                "127.0.0.1",
                                "--dir",
                                nodeDir.toString(),
                                "--cluster-enabled",
                                "yes",
                                "--cluster-config-file",
                                "nodes.conf",
                                "--save",
                                "",
                                "--appendonly",
                                "no")
                        .redirectErrorStream(true)
                        .redirectOutput(nodeDir.resolve("redis.log").toFile())
                        .start());
            }
            for (int port : cluster.ports) {
                Poll.until(() -> cli(port, "ping").contains("PONG"), Duration.ofSeconds(10), "node " + port);
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (int port : cluster.ports) {
                create.add("127.0.0.1:" + port);
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process creating =
                    new ProcessBuilder(create).redirectErrorStream(true).start();
            String output =
                    new String(creating.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!creating.waitFor(30, TimeUnit.SECONDS) || creating.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
            }
            for (int port : cluster.ports) {
                Poll.until(
                        () -> cli(port, "cluster", "info").contains("cluster_state:ok"),
                        Duration.ofSeconds(20),
                        "cluster state ok on " + port);
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** redis://127.0.0.1:port of the first master; Lettuce discovers the others. */
    public String url() {
        return "redis://127.0.0.1:" + ports.get(0);
    }

    /** The master port serving a key, from CLUSTER KEYSLOT and CLUSTER SLOTS' owner. */
    public int portOf(String key) {
        String reply = cli(ports.get(0), "-c", "cluster", "keyslot", key).trim();
        int slot = Integer.parseInt(reply);
        String[] lines = cli(ports.get(0), "cluster", "slots").split("\n");
        for (int i = 0; i + 3 < lines.length; i++) {
            if (lines[i].trim().matches("\\d+") && lines[i + 1].trim().matches("\\d+")) {
                int from = Integer.parseInt(lines[i].trim());
                int to = Integer.parseInt(lines[i + 1].trim());
                if (slot >= from && slot <= to && lines[i + 3].trim().matches("\\d+")) {
                    return Integer.parseInt(lines[i + 3].trim());
                }
            }
        }
        throw new IllegalStateException("no owner for slot " + slot);
    }

    /** Kills the master on {@code port} at once (SIGKILL), as a crashed or unreachable node. */
    public void kill(int port) throws InterruptedException {
        Process node = nodes.get(ports.indexOf(port));
        node.destroyForcibly();
        node.waitFor(10, TimeUnit.SECONDS);
    }

    private static String cli(int port, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (Exception e) {
            return "";
        }
    }

    @Override
    public void close() {
        for (Process node : nodes) {
            node.destroyForcibly();
        }
        for (Process node : nodes) {
            try {
                node.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
