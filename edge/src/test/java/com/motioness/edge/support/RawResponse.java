package com.motioness.edge.support;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A complete HTTP response read off a socket. */
public record RawResponse(int status, Map<String, String> headers, byte[] body) {
    /** A header by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
