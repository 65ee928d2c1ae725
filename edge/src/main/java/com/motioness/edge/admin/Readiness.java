package com.motioness.edge.admin;

/**
 * Whether a node should get new streams: {@code GET /readyz} answers 200 when ready, else 503 with
 * the problem.
 *
 * @param ready true when the node can serve
 * @param problem what is wrong when not ready (for the JSON body), else null
 */
public record Readiness(boolean ready, String problem) {
    /** Ready. */
    public static final Readiness READY = new Readiness(true, null);

    /** Not ready, because of {@code problem}. */
    public static Readiness notReady(String problem) {
        return new Readiness(false, problem);
    }
}
