package com.motioness.edge.log;

import com.motioness.protocol.EventId;
import java.util.List;

/**
 * One page of a stream's retained history, read after a cursor, with what a subscriber needs to
 * decide its answer before it writes a byte: whether the stream exists and who owns it, whether
 * the asset already ended, where it ends now, and whether older events were trimmed away or lost
 * with the log's history.
 */
public final class ReplayPage {
    private static final ReplayPage NOT_FOUND = notFound(EventId.ZERO);

    private final List<LoggedEvent> events;
    private final boolean more;
    private final String ownerProjectId;
    private final EventId terminalId;
    private final EventId trimmedThrough;
    private final EventId newestId;
    private final EventId historyStart;

    /**
     * @param events events strictly after the cursor, in id order
     * @param more true when the stream holds further events after the last one in this page
     * @param ownerProjectId the project owning the stream; null when the log has no such stream
     * @param terminalId for an asset stream, the id of its terminal event if it has ended, else null
     * @param trimmedThrough the newest id retention dropped from this stream, or null if none
     * @param newestId the id of the newest event the stream ever took (retained or not), or null
     *     when it never took one
     * @param historyStart where the log's current history begins: everything before it was lost
     *     (a restart of the embedded log, a Redis emptied or replaced); {@link EventId#ZERO} when
     *     nothing was lost
     */
    public ReplayPage(
            List<LoggedEvent> events,
            boolean more,
            String ownerProjectId,
            EventId terminalId,
            EventId trimmedThrough,
            EventId newestId,
            EventId historyStart) {
        this.events = events;
        this.more = more;
        this.ownerProjectId = ownerProjectId;
        this.terminalId = terminalId;
        this.trimmedThrough = trimmedThrough;
        this.newestId = newestId;
        this.historyStart = historyStart;
    }

    /** The answer for a stream the log does not hold, in a log whose history lost nothing. */
    public static ReplayPage notFound() {
        return NOT_FOUND;
    }

    /** The answer for a stream the log does not hold, in a history that began at {@code historyStart}. */
    public static ReplayPage notFound(EventId historyStart) {
        return new ReplayPage(List.of(), false, null, null, null, null, historyStart);
    }

    /**
     * What a caller who may not read this stream is told: the same as for a stream the log does not
     * hold, the log's history start included, and nothing of the stream itself.
     */
    public ReplayPage asNotFound() {
        return notFound(historyStart);
    }

    /** Events strictly after the cursor, oldest first. */
    public List<LoggedEvent> events() {
        return events;
    }

    /** True when more events follow the last one of this page. */
    public boolean more() {
        return more;
    }

    /** True when the log holds this stream. */
    public boolean found() {
        return ownerProjectId != null;
    }

    /** The project that owns the stream, or null when it was not found. */
    public String ownerProjectId() {
        return ownerProjectId;
    }

    /** The id of the asset's terminal event, or null while it runs (always null for projects). */
    public EventId terminalId() {
        return terminalId;
    }

    /** The newest id that retention has dropped from the stream, or null when nothing was dropped. */
    public EventId trimmedThrough() {
        return trimmedThrough;
    }

    /**
     * Where the stream ends now: the id of its newest event, or {@link EventId#ZERO} when it has
     * none. Every event the stream takes from now on has a greater id, so a cursor past this
     * point names no event of this log (a clock step, another deployment) and would mute the
     * stream if taken literally.
     */
    public EventId end() {
        return newestId == null ? EventId.ZERO : newestId;
    }

    /**
     * Where the log's current history begins: events before this id were lost with an earlier
     * history (the log restarted empty), not trimmed; {@link EventId#ZERO} when nothing was lost.
     */
    public EventId historyStart() {
        return historyStart;
    }

    /**
     * True when a reader starting after {@code cursor} (null: from the beginning) missed events:
     * retention dropped some it had not seen, or its cursor is older than the log's history, which
     * lost what came after that cursor. A null cursor and {@link EventId#ZERO} ask for the history
     * from its beginning, so the loss of an older history is nothing they missed.
     */
    public boolean truncatedFor(EventId cursor) {
        return missedThrough(cursor) != null;
    }

    /**
     * The newest id a reader starting after {@code cursor} missed and cannot get, or null when it
     * missed nothing: the later of what retention dropped and the end of a lost history.
     */
    public EventId missedThrough(EventId cursor) {
        EventId missed = trimmedThrough != null && (cursor == null || cursor.compareTo(trimmedThrough) < 0)
                ? trimmedThrough
                : null;
        if (cursor != null && cursor.compareTo(historyStart) < 0 && !cursor.equals(EventId.ZERO)) {
            EventId lostThrough = historyStart.previous();
            missed = missed == null || lostThrough.compareTo(missed) > 0 ? lostThrough : missed;
        }
        return missed;
    }
}
