package com.motioness.perf.publish;

/** A sink that POSTs over HTTP: what was answered, and how it ends, is its poster's. */
abstract class PostingSink implements EventSink {
    final HttpPoster poster;

    PostingSink(HttpPoster poster) {
        this.poster = poster;
    }

    @Override
    public long acknowledged() {
        return poster.acknowledged();
    }

    @Override
    public long failed() {
        return poster.failed();
    }

    @Override
    public String firstFailure() {
        return poster.firstFailure();
    }

    @Override
    public AnswerTimes answerTimes() {
        return poster.answerTimes();
    }

    @Override
    public boolean awaitAnswered(long timeoutMillis) throws InterruptedException {
        return poster.awaitAnswered(timeoutMillis);
    }

    @Override
    public void close() {
        poster.close();
    }
}
