package com.motioness.edge.support;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code /metrics} of an admin port over HTTP and parses the text format's samples. */
public final class Scrape {
    private Scrape() {}

    /** Every sample: the series (name and labels, exactly as exposed) to its value. */
    public static Map<String, Double> all(int adminPort) throws IOException {
        RawResponse response = HttpWire.get(adminPort, "/metrics");
        if (response.status() != 200) {
            throw new AssertionError("/metrics answered " + response.status() + ": " + response.bodyText());
        }
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : response.bodyText().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** One sample's value; fails when the series is not exposed. */
    public static double value(int adminPort, String series) throws IOException {
        Map<String, Double> samples = all(adminPort);
        Double value = samples.get(series);
        if (value == null) {
            throw new AssertionError("no series " + series + " in /metrics; has " + samples.keySet());
        }
        return value;
    }
}
