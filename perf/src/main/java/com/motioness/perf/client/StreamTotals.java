package com.motioness.perf.client;

/** Sums over every stream at the end of a run. */
public final class StreamTotals {
    /** Streams counted. */
    public long streams;
    /** Connections made, first ones and reconnections. */
    public long connects;
    /** Reconnections after the server or a drop closed a stream. */
    public long reconnects;
    /** Responses other than 200 and 204. */
    public long httpErrors;
    /** 204 answers: the stream had ended for good. */
    public long terminal;
    /** Events of an asset the stream did not ask for. */
    public long foreign;
    /** Distinct events received (each stream, each asset, each number once). */
    public long delivered;
    /** Events received again. */
    public long duplicated;
    /** Events received after a later one. */
    public long outOfOrder;
    /** Events published for a stream's assets that it never received. */
    public long lost;
    /** Streams that came back after a drop. */
    public long resumed;
    /** The slowest come-back after a drop, in nanoseconds. */
    public long maxResumeNanos;
    /** Streams by the last error status they were answered with (429, 503…). */
    public final java.util.TreeMap<Integer, Long> errorStatuses = new java.util.TreeMap<>();

    void add(StreamTotals other) {
        streams += other.streams;
        connects += other.connects;
        reconnects += other.reconnects;
        httpErrors += other.httpErrors;
        terminal += other.terminal;
        foreign += other.foreign;
        delivered += other.delivered;
        duplicated += other.duplicated;
        outOfOrder += other.outOfOrder;
        lost += other.lost;
        resumed += other.resumed;
        maxResumeNanos = Math.max(maxResumeNanos, other.maxResumeNanos);
        other.errorStatuses.forEach((status, count) -> errorStatuses.merge(status, count, Long::sum));
    }
}
