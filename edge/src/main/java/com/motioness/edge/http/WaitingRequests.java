package com.motioness.edge.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The request parts a connection read while an earlier request awaits its answer, in the order
 * read, counted so that the connection stops being read past a bound (see {@link #allowRead}).
 */
final class WaitingRequests {
    /**
     * Requests held while an earlier one awaits its answer: past this many, or past
     * {@link #MAX_BYTES} of their bodies, the connection is not read until half have been
     * answered. One socket read (at most 64 KiB) may still add what it holds.
     */
    private static final int MAX_REQUESTS = 128;

    private static final int MAX_BYTES = 64 * 1024;

    private ArrayDeque<Object> parts;
    private int requests;
    private long bytes;

    void add(Object part) {
        if (parts == null) {
            parts = new ArrayDeque<>();
        }
        parts.add(part);
        counted(part, 1);
    }

    /** @return the part read first, or null when none waits */
    Object poll() {
        Object part = parts == null ? null : parts.poll();
        if (part != null) {
            counted(part, -1);
        }
        return part;
    }

    boolean isEmpty() {
        return parts == null || parts.isEmpty();
    }

    /** Drops every part waiting: the connection will not answer them. */
    void release() {
        if (parts != null) {
            Object part;
            while ((part = parts.poll()) != null) {
                ReferenceCountUtil.release(part);
            }
        }
        requests = 0;
        bytes = 0;
    }

    /**
     * Whether the connection may be read with these parts waiting: a connection being read stops
     * at the bound; one that stopped is read again once half of them have been answered.
     */
    boolean allowRead(boolean reading) {
        if (reading) {
            return requests < MAX_REQUESTS && bytes < MAX_BYTES;
        }
        return requests <= MAX_REQUESTS / 2 && bytes <= MAX_BYTES / 2;
    }

    private void counted(Object part, int sign) {
        if (part instanceof HttpRequest) {
            requests += sign;
        }
        if (part instanceof HttpContent content) {
            bytes += sign * content.content().readableBytes();
        }
    }
}
