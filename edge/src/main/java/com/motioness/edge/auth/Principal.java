package com.motioness.edge.auth;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** A signed-in dashboard user and how to find out which projects they may read. */
public final class Principal {
    private final String userId;
    private final ProjectAccess access;
    private final Supplier<CompletableFuture<Boolean>> stillSignedIn;

    /** A principal whose sign-in never lapses (development sessions). */
    public Principal(String userId, ProjectAccess access) {
        this(userId, access, () -> CompletableFuture.completedFuture(true));
    }

    /**
     * @param access answers whether this user may read a project
     * @param stillSignedIn asks the session store again whether the session still lives
     */
    public Principal(String userId, ProjectAccess access, Supplier<CompletableFuture<Boolean>> stillSignedIn) {
        this.userId = userId;
        this.access = access;
        this.stillSignedIn = stillSignedIn;
    }

    /** Whether the session that signed this user in is still live (not revoked, not expired). */
    public CompletableFuture<Boolean> stillSignedIn() {
        return stillSignedIn.get();
    }

    /** The user's id. */
    public String userId() {
        return userId;
    }

    /** Whether the user may read the events of this project (may ask a membership store). */
    public CompletableFuture<Boolean> mayRead(String projectId) {
        return access.mayRead(userId, projectId);
    }
}
