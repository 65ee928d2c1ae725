package com.motioness.edge.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A keys file: one {@code KEY=PROJECT_ID} per line; blank lines and {@code #} comments are skipped. */
public final class ProjectKeysFile {
    private ProjectKeysFile() {}

    /** Reads the file; errors name the file and line. */
    public static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("--keys-file " + file + ": cannot read: " + e.getMessage(), e);
        }
        Map<String, String> keys = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || eq == line.length() - 1) {
                throw new IllegalArgumentException(file.getFileName() + ":" + (i + 1) + ": expected KEY=PROJECT_ID");
            }
            String key = line.substring(0, eq).strip();
            if (keys.put(key, line.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException(file.getFileName() + ":" + (i + 1) + ": key listed twice");
            }
        }
        return keys;
    }
}
