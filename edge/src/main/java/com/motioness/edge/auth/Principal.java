package com.motioness.edge.auth;

import java.util.Set;

/** A signed-in dashboard user and the projects they may read. */
public final class Principal {
    private final String userId;
    private final Set<String> projectIds;

    /** @param projectIds the projects whose events this user may see */
    public Principal(String userId, Set<String> projectIds) {
        this.userId = userId;
        this.projectIds = Set.copyOf(projectIds);
    }

    /** The user's id. */
    public String userId() {
        return userId;
    }

    /** Whether the user may read the events of this project. */
    public boolean mayRead(String projectId) {
        return projectIds.contains(projectId);
    }
}
