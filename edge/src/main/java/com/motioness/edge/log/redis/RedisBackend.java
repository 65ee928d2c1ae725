package com.motioness.edge.log.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;

/**
 * One Redis, or a Redis Cluster, behind the same commands. Which one is found out at connect:
 * a server that says {@code cluster_enabled:1} is used through Lettuce's cluster client, which
 * routes each command by its key's slot (every key of a shard shares one slot).
 *
 * <p>Both fail fast while Redis is away: commands are refused instead of queued until the
 * reconnect, and none waits more than two seconds, so the edge answers 503 at once and open
 * streams simply receive nothing until Redis is back.
 *
 * <p>Its connections consolidate their flushes: Lettuce flushes every command on its own, a
 * {@code write} system call each, and the shared connection carries several commands per event
 * (appends, the webhook jobs' scripts); commands queued on the connection's loop together now
 * leave in one write.
 */
public final class RedisBackend implements AutoCloseable {
    public static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    static {
        // Lettuce warns at every client when both epoll and io_uring are present; the edge uses
        // epoll for its own sockets, so Lettuce may as well, quietly.
        if (System.getProperty("io.lettuce.core.iouring") == null) {
            System.setProperty("io.lettuce.core.iouring", "false");
        }
    }

    /** Flushes to consolidate at most before one goes through anyway (Netty's default). */
    private static final int FLUSHES_PER_WRITE = 256;

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final StatefulConnection<String, byte[]> shared;
    private final RedisClusterAsyncCommands<String, byte[]> async;

    private RedisBackend(ClientResources resources, RedisClient client, RedisClusterClient clusterClient) {
        this.resources = resources;
        this.client = client;
        this.clusterClient = clusterClient;
        if (clusterClient != null) {
            StatefulRedisClusterConnection<String, byte[]> connection = clusterClient.connect(CODEC);
            shared = connection;
            async = connection.async();
        } else {
            StatefulRedisConnection<String, byte[]> connection = client.connect(CODEC);
            shared = connection;
            async = connection.async();
        }
    }

    /** Connects to the Redis or Cluster at {@code uri}. */
    public static RedisBackend connect(String uri) {
        RedisURI redisUri = RedisURI.create(uri);
        RedisClient probe = RedisClient.create(redisUri);
        boolean cluster;
        try (StatefulRedisConnection<String, String> connection = probe.connect()) {
            cluster = connection.sync().info("cluster").contains("cluster_enabled:1");
        } finally {
            probe.shutdown();
        }
        TimeoutOptions timeouts = TimeoutOptions.enabled(COMMAND_TIMEOUT);
        ClientResources resources = consolidatingFlushes();
        if (cluster) {
            RedisClusterClient clusterClient = RedisClusterClient.create(resources, redisUri);
            clusterClient.setOptions(ClusterClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(timeouts)
                    // Follow failovers and resharding: re-read the topology every 30 s.
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(30))
                            .build())
                    .build());
            return new RedisBackend(resources, null, clusterClient);
        }
        RedisClient client = RedisClient.create(resources, redisUri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(timeouts)
                .build());
        return new RedisBackend(resources, client, null);
    }

    /**
     * Lettuce's resources with a {@link FlushConsolidationHandler} first in every connection's
     * pipeline, consolidating also when no read is in progress: a flush then waits for the tasks
     * already queued on the connection's loop (other commands' writes), at most a few microseconds.
     */
    private static ClientResources consolidatingFlushes() {
        return DefaultClientResources.builder()
                .nettyCustomizer(new NettyCustomizer() {
                    @Override
                    public void afterChannelInitialized(Channel channel) {
                        channel.pipeline().addFirst(new FlushConsolidationHandler(FLUSHES_PER_WRITE, true));
                    }
                })
                .build();
    }

    public boolean isCluster() {
        return clusterClient != null;
    }

    /** The shared asynchronous commands, routed by key on a Cluster. */
    public RedisClusterAsyncCommands<String, byte[]> async() {
        return async;
    }

    /** A connection of its own, for a reader that blocks on XREAD. */
    public StatefulConnection<String, byte[]> newConnection() {
        if (clusterClient == null) {
            return client.connect(CODEC);
        }
        StatefulRedisClusterConnection<String, byte[]> connection = clusterClient.connect(CODEC);
        // A Cluster connection opens its node connections lazily, and a command sent to a node
        // still connecting would be rejected (we reject rather than queue): open them all now.
        connection.sync().upstream().commands().ping();
        return connection;
    }

    /** Synchronous commands of a connection from {@link #newConnection()}. */
    public static RedisClusterCommands<String, byte[]> sync(StatefulConnection<String, byte[]> connection) {
        if (connection instanceof StatefulRedisClusterConnection<String, byte[]> cluster) {
            return cluster.sync();
        }
        return ((StatefulRedisConnection<String, byte[]>) connection).sync();
    }

    /**
     * On a Cluster, opens the shared connection's node connections now: they open lazily, and a
     * command sent to a node still connecting would be rejected (we reject rather than queue). The
     * function load does this for the log's own backend; other users call this.
     */
    public void openAllNodes() {
        if (clusterClient != null) {
            ((StatefulRedisClusterConnection<String, byte[]>) shared)
                    .sync()
                    .upstream()
                    .commands()
                    .ping();
        }
    }

    /** FUNCTION LOAD REPLACE on the server, or on every master of a Cluster. */
    public void loadFunctions(String source) {
        if (clusterClient != null) {
            ((StatefulRedisClusterConnection<String, byte[]>) shared)
                    .sync()
                    .upstream()
                    .commands()
                    .functionLoad(source, true);
        } else {
            ((StatefulRedisConnection<String, byte[]>) shared).sync().functionLoad(source, true);
        }
    }

    @Override
    public void close() {
        shared.close();
        if (clusterClient != null) {
            clusterClient.shutdown();
        } else {
            client.shutdown();
        }
        resources.shutdown();
    }
}
