package com.motioness.edge.auth;

import java.util.Map;

/**
 * Public project keys: the key in {@code /v1/{projectKey}/...} names the one project whose events
 * it may read. Configured keys for now; a registry in Redis replaces this in Redis mode.
 */
public final class ProjectKeys {
    private final Map<String, String> projectByKey;

    /** @param projectByKey key to project id */
    public ProjectKeys(Map<String, String> projectByKey) {
        this.projectByKey = Map.copyOf(projectByKey);
    }

    /** The project this key opens, or null for an unknown key. */
    public String projectOf(String key) {
        return projectByKey.get(key);
    }
}
