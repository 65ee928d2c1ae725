package com.motioness.edge.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the {@code --config} file: Java properties in UTF-8, {@code key=value} per line,
 * {@code #} comments. A key given twice is an error, since {@link Properties} would silently keep
 * the last one.
 */
final class SettingsFile {
    private SettingsFile() {}

    /**
     * @param file the file
     * @param shownAs how errors name it: the flag or variable it came from
     * @return its entries, keys as written
     * @throws IllegalArgumentException if it cannot be read or repeats a key
     */
    static Map<String, String> read(Path file, String shownAs) {
        Map<String, String> entries = new LinkedHashMap<>();
        StringBuilder repeated = new StringBuilder();
        @SuppressWarnings("serial") // never serialized: it only watches load() for repeated keys
        Properties properties = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                if (entries.putIfAbsent((String) key, (String) value) != null && repeated.isEmpty()) {
                    repeated.append(key);
                }
                return super.put(key, value);
            }
        };
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(shownAs + ": no such file: " + file, e);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed unicode escape.
            throw new IllegalArgumentException(shownAs + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!repeated.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + repeated + ": given twice");
        }
        return entries;
    }
}
