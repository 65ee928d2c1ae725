package com.motioness.protocol.redis;

/**
 * The log on Redis is split into a different number of shards than the caller's {@link RedisKeys}
 * say: the caller would read and write other shards than every other edge and producer, so Redis
 * refuses it. K is fixed for the life of a key prefix; fix the caller's configuration.
 */
public final class ShardCountMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int stored;
    private final int given;

    /**
     * @param stored the K the log holds
     * @param given the caller's K
     * @param message the whole explanation, naming both and where K is stored
     */
    public ShardCountMismatchException(int stored, int given, String message) {
        super(message, null, false, false);
        this.stored = stored;
        this.given = given;
    }

    /** The refusal of a caller with K {@code given} by a log whose {@code metaKey} holds {@code stored}. */
    public static ShardCountMismatchException of(int stored, int given, String metaKey) {
        return new ShardCountMismatchException(
                stored,
                given,
                "this log has " + stored + " shards (" + metaKey + " shards), the caller " + given
                        + "; every edge and producer must use the same K");
    }

    /** The K the log was created with (its meta hash's {@code shards}). */
    public int stored() {
        return stored;
    }

    /** The K of the caller that was refused. */
    public int given() {
        return given;
    }
}
