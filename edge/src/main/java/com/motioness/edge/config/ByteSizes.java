package com.motioness.edge.config;

/** Sizes in bytes, optionally with a binary suffix: {@code 131072}, {@code 128k}, {@code 128KiB}, {@code 1m}. */
public final class ByteSizes {
    private ByteSizes() {}

    /** Parses a size; the result must fit an int. */
    public static int parse(String text) {
        int digits = 0;
        while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
            digits++;
        }
        if (digits == 0 || digits > 10) {
            throw invalid(text);
        }
        long amount = Long.parseLong(text.substring(0, digits));
        long scale;
        switch (text.substring(digits)) {
            case "":
                scale = 1;
                break;
            case "k":
            case "K":
            case "KiB":
                scale = 1024;
                break;
            case "m":
            case "M":
            case "MiB":
                scale = 1024 * 1024;
                break;
            default:
                throw invalid(text);
        }
        long bytes = amount * scale;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("size too large: \"" + text + "\"");
        }
        return (int) bytes;
    }

    /** The shortest exact form: 131072 is {@code 128k}, 1048576 is {@code 1m}. */
    public static String format(int bytes) {
        if (bytes != 0 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + "m";
        }
        if (bytes != 0 && bytes % 1024 == 0) {
            return bytes / 1024 + "k";
        }
        return Integer.toString(bytes);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("expected a size like 131072, 128k or 1m, got \"" + text + "\"");
    }
}
