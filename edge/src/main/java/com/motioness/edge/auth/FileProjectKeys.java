package com.motioness.edge.auth;

import com.motioness.edge.config.ProjectKeysFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key registry of one machine: the keys of {@code --project-key} plus a keys file that is
 * read again whenever it changes. Deleting (or commenting out) a line revokes its key; open
 * streams opened with it end at their next key check. A file that fails to parse is reported
 * and the last good keys stay in force.
 */
public final class FileProjectKeys implements ProjectKeys {
    private static final Logger LOG = LoggerFactory.getLogger(FileProjectKeys.class);

    private final Map<String, String> fixed;
    private final Path file;
    private final ScheduledExecutorService watcher;
    private volatile Map<String, String> keys;
    private FileTime loadedAt;

    /** @param poll how often the file's modification time is looked at */
    public FileProjectKeys(Map<String, String> fixed, Path file, Duration poll) {
        this.fixed = Map.copyOf(fixed);
        this.file = file;
        this.keys = merge(ProjectKeysFile.read(file));
        this.loadedAt = modified();
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "motioness-keys-file");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<String> projectOf(String key) {
        return CompletableFuture.completedFuture(keys.get(key));
    }

    void reloadIfChanged() {
        FileTime now = modified();
        if (now == null || now.equals(loadedAt)) {
            return;
        }
        try {
            keys = merge(ProjectKeysFile.read(file));
            loadedAt = now;
            LOG.info("reloaded {}: {} keys", file, keys.size());
        } catch (RuntimeException e) {
            LOG.warn("keeping the previous keys: {}", e.getMessage());
            loadedAt = now;
        }
    }

    private Map<String, String> merge(Map<String, String> fromFile) {
        Map<String, String> merged = new HashMap<>(fromFile);
        merged.putAll(fixed);
        return Map.copyOf(merged);
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
