package com.motioness.edge.config;

import java.util.HashMap;
import java.util.Map;

/** The settings given to a {@link EdgeConfig.Builder}, a copy taken when it builds; any other has its default. */
final class SettingValues {
    private final Map<Setting<?>, Object> given;

    SettingValues(Map<Setting<?>, Object> given) {
        // A HashMap: a value given as null (none) is kept, and differs from one never given.
        this.given = new HashMap<>(given);
    }

    /** The value given, else the setting's default. */
    @SuppressWarnings("unchecked")
    <T> T get(Setting<T> setting) {
        return given.containsKey(setting) ? (T) given.get(setting) : setting.defaultValue();
    }

    /** Whether the setting was given (a flag, the environment or the file), not left at its default. */
    boolean isGiven(Setting<?> setting) {
        return given.containsKey(setting);
    }
}
