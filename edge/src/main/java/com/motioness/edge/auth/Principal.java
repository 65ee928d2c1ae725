package com.motioness.edge.auth;

import java.util.concurrent.CompletableFuture;

/** A signed-in dashboard user and how to find out which projects they may read. */
public final class Principal {
    private final String userId;
    private final ProjectAccess access;

    /** @param access answers whether this user may read a project */
    public Principal(String userId, ProjectAccess access) {
        this.userId = userId;
        this.access = access;
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
