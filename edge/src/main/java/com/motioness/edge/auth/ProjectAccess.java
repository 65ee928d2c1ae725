package com.motioness.edge.auth;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Whether a user may read a project's events: for better-auth, membership of the organization
 * that owns the project. Asynchronous, because the answer may come from a database.
 */
@FunctionalInterface
public interface ProjectAccess {
    /** The answer for one user and project; fails when it cannot be found out now. */
    CompletableFuture<Boolean> mayRead(String userId, String projectId);

    /** Fixed grants: user id to the projects they may read (development sessions). */
    static ProjectAccess granted(Map<String, Set<String>> projectsByUser) {
        Map<String, Set<String>> grants = Map.copyOf(projectsByUser);
        return (userId, projectId) -> CompletableFuture.completedFuture(
                grants.getOrDefault(userId, Set.of()).contains(projectId));
    }
}
