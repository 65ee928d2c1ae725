package com.motioness.perf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** The harness's JSON line as dotted keys: {@code latency_us.p99}, {@code storm.resumed}. */
final class Summary {
    private final Map<String, String> values = new HashMap<>();
    private final String line;

    Summary(String line) throws IOException {
        this.line = line;
        Deque<String> path = new ArrayDeque<>();
        try (JsonParser parser = new JsonFactory().createParser(line)) {
            String field = null;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                switch (token) {
                    case FIELD_NAME -> field = parser.currentName();
                    case START_OBJECT -> {
                        if (field != null) {
                            path.addLast(field);
                        }
                    }
                    case END_OBJECT -> path.pollLast();
                    default -> values.put(key(path, field), parser.getText());
                }
            }
        }
    }

    private static String key(Deque<String> path, String field) {
        return path.isEmpty() ? field : String.join(".", path) + "." + field;
    }

    long number(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new AssertionError("no " + key + " in " + line);
        }
        return (long) Double.parseDouble(value);
    }

    String text(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new AssertionError("no " + key + " in " + line);
        }
        return value;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    @Override
    public String toString() {
        return line;
    }
}
