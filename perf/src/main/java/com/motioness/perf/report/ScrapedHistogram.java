package com.motioness.perf.report;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Prometheus histogram as a server's metrics page shows it at one moment: its cumulative
 * buckets. Two scrapes give what was observed between them, and quantiles of that as the bucket
 * bounds allow: the edge's own {@code motioness_publish_to_write_seconds}, reported beside what
 * the clients measured.
 *
 * @param bounds the buckets' upper bounds, ascending, the last +Inf
 * @param cumulative observations at or under each bound
 */
public record ScrapedHistogram(double[] bounds, long[] cumulative) {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Scrapes {@code name}'s buckets from the text exposition at {@code url}. */
    public static ScrapedHistogram scrape(String url, String name) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode());
        }
        return parse(response.body(), name);
    }

    /** The buckets of {@code name} (unlabelled but for {@code le}) in a text exposition. */
    static ScrapedHistogram parse(String text, String name) {
        Pattern bucket = Pattern.compile(
                "^" + Pattern.quote(name) + "_bucket\\{le=\"([^\"]+)\"\\} ([0-9.eE+-]+)$", Pattern.MULTILINE);
        List<double[]> rows = new ArrayList<>();
        Matcher m = bucket.matcher(text);
        while (m.find()) {
            double bound = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            rows.add(new double[] {bound, Double.parseDouble(m.group(2))});
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no " + name + "_bucket in the metrics");
        }
        rows.sort((a, b) -> Double.compare(a[0], b[0]));
        double[] bounds = new double[rows.size()];
        long[] cumulative = new long[rows.size()];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = rows.get(i)[0];
            cumulative[i] = (long) rows.get(i)[1];
        }
        return new ScrapedHistogram(bounds, cumulative);
    }

    /** What was observed after {@code earlier} (same buckets). */
    public ScrapedHistogram since(ScrapedHistogram earlier) {
        long[] delta = new long[cumulative.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = cumulative[i] - earlier.cumulative[i];
        }
        return new ScrapedHistogram(bounds, delta);
    }

    public long count() {
        return cumulative[cumulative.length - 1];
    }

    /**
     * The upper bound of the bucket holding quantile {@code q} (0-1): the figure is at most this,
     * and above the bucket before; +Inf past the last finite bound, NaN without observations.
     */
    public double quantileUpperBound(double q) {
        long count = count();
        if (count == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * count);
        for (int i = 0; i < bounds.length; i++) {
            if (cumulative[i] >= rank) {
                return bounds[i];
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
