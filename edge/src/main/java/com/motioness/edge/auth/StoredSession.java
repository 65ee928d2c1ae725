package com.motioness.edge.auth;

import java.time.Instant;

/**
 * A better-auth session as its store holds it.
 *
 * @param userId the signed-in user
 * @param expiresAt when it stops being valid
 */
public record StoredSession(String userId, Instant expiresAt) {
    /** True while {@code now} is before the expiry. */
    public boolean isLiveAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
