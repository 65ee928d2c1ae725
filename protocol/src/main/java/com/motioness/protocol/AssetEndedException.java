package com.motioness.protocol;

/**
 * The log refused an event because its asset already ended: after an asset's terminal event
 * ({@code ready}, {@code failed}, {@code cancelled}) only {@code webhook_*} events are accepted
 * for it (see {@link EventType#mayFollowTerminal()}), and they go to the project's feed, not to the
 * asset's stream, which ends at its terminal event. The whole batch was refused.
 *
 * <p>An expected outcome of a producer's input, so it captures no stack trace.
 */
public final class AssetEndedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient EventId terminalId;
    private final int index;

    /**
     * @param terminalId the id of the asset's terminal event; null when that event is earlier in
     *     the same batch (it has no id yet)
     * @param index the refused event's position in the batch, or -1 for a single event
     * @param message what happened, for the producer
     */
    public AssetEndedException(final EventId terminalId, final int index, final String message) {
        super(message, null, false, false);
        this.terminalId = terminalId;
        this.index = index;
    }

    /**
     * The refusal of an event for {@code assetId}, whose terminal event is stored under
     * {@code terminalId}, or is at {@code terminalIndex} of the same batch when {@code terminalId}
     * is null; the message is the one the Redis function gives.
     *
     * @param index the refused event's position in the batch, or -1 for a single event
     * @return the exception
     */
    public static AssetEndedException of(
            final String assetId, final EventId terminalId, final int terminalIndex, final int index) {
        final String where = terminalId != null ? "at " + terminalId : "at index " + terminalIndex + " of this batch";
        return new AssetEndedException(
                terminalId,
                index,
                "asset " + assetId + " ended " + where + "; only webhook_* events may follow its terminal event");
    }

    /**
     * Returns the id of the asset's terminal event.
     *
     * @return the id, or null when the terminal event is earlier in the refused batch
     */
    public EventId terminalId() {
        return terminalId;
    }

    /**
     * Returns the refused event's position in its batch.
     *
     * @return the zero-based index, or -1 for a single event
     */
    public int index() {
        return index;
    }
}
