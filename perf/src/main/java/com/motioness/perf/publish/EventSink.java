package com.motioness.perf.publish;

import java.util.List;

/** Where the open-loop publisher sends events: the edge's ingest, Redis, or an Nchan-style POST. */
public interface EventSink extends AutoCloseable {

    /** The most events one {@link #send} may carry. */
    int maxBatch();

    /**
     * Sends the events without waiting for the answer. Blocks only when too many are unanswered:
     * the schedule then runs late, which the publisher reports instead of hiding.
     */
    void send(List<PerfEvent> events) throws InterruptedException;

    /** Events the server confirmed. */
    long acknowledged();

    /** Events the server refused or that failed in transit. */
    long failed();

    /** The first failure, for the report; null if none. */
    String firstFailure();

    /** How long requests waited for their answers; null when the sink does not time them (Redis). */
    default AnswerTimes answerTimes() {
        return null;
    }

    /** Waits until every event sent was answered; false on timeout. */
    boolean awaitAnswered(long timeoutMillis) throws InterruptedException;

    @Override
    void close();
}
