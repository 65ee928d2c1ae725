package com.motioness.protocol.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The Lua library {@code motioness} (redis/motioness.lua), loaded with FUNCTION LOAD REPLACE. */
public final class RedisFunctionLibrary {
    /** The library's resource path. */
    public static final String RESOURCE = "/redis/motioness.lua";
    /** The version {@code FCALL motioness_version 0} answers. */
    public static final String VERSION = "3";

    private RedisFunctionLibrary() {}

    /** The library's source. */
    public static String source() {
        try (InputStream in = RedisFunctionLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
