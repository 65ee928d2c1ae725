package com.motioness.edge.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where a setting not given as a flag comes from: its {@code MOTIONESS_*} environment variable,
 * then its key in the {@code --config} properties file. Picocli asks this provider for every option
 * missing from the command line, so "flag, then environment, then file, then default" is picocli's
 * own precedence, and a {@link Setting} gets its variable and its key with nothing to register: both
 * are derived from its flag.
 *
 * <p>It remembers where each value came from, so an error can name the variable or the file and
 * key instead of a flag the operator never typed. It never keeps or prints a value: secrets such as
 * {@code MOTIONESS_AUTH_SECRET} are expected here.
 */
final class SettingSources implements CommandLine.IDefaultValueProvider {
    static final String CONFIG_FLAG = "--config";
    private static final Pattern LEADING_FLAG = Pattern.compile("^(--[a-z0-9][a-z0-9-]*)");

    private final Map<String, String> env;
    private final String fileName;
    private final Map<String, String> file;
    /** Long option name to where its value came from, e.g. {@code MOTIONESS_PORT} or {@code edge.properties: port}. */
    private final Map<String, String> origins = new LinkedHashMap<>();

    /**
     * @param env the process environment (only {@code MOTIONESS_*} entries are read)
     * @param fileName the properties file as the operator named it, or null
     * @param file its entries (empty without a file)
     */
    SettingSources(Map<String, String> env, String fileName, Map<String, String> file) {
        this.env = Map.copyOf(env);
        this.fileName = fileName;
        this.file = Map.copyOf(file);
    }

    /** The file key of an option: its long name without the dashes ({@code redis-shards}). */
    static String key(OptionSpec option) {
        return Setting.fileKey(option.longestName());
    }

    /** The environment variable of an option: {@code --redis-shards} is {@code MOTIONESS_REDIS_SHARDS}. */
    static String envName(OptionSpec option) {
        return Setting.envName(option.longestName());
    }

    /** True for a setting; {@code --help} and {@code --version} are actions, not settings. */
    static boolean isSetting(OptionSpec option) {
        return !option.usageHelp() && !option.versionHelp();
    }

    /** The environment variable naming the config file, itself a setting. */
    static boolean isConfigFile(OptionSpec option) {
        return CONFIG_FLAG.equals(option.longestName());
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || !isSetting(option) || isConfigFile(option)) {
            return null;
        }
        String where = envName(option);
        String value = env.get(where);
        if (value == null && fileName != null) {
            where = fileName + ": " + key(option);
            value = file.get(key(option));
        }
        if (value == null) {
            return null;
        }
        // Surrounding blanks are never meant: a secret mounted from a file ends with a newline, a
        // properties line with a trailing space.
        value = value.strip();
        origins.put(option.longestName(), where);
        // An empty list means none, which is the default.
        return value.isEmpty() && option.isMultiValue() ? null : value;
    }

    /**
     * Refuses environment variables and file keys that name no setting, so a typo is an error at
     * start instead of a setting silently left at its default. Names only, never values.
     */
    void checkKnown(CommandSpec spec) {
        Set<String> envNames = new TreeSet<>();
        Set<String> keys = new TreeSet<>();
        for (OptionSpec option : spec.options()) {
            if (isSetting(option)) {
                envNames.add(envName(option));
                if (!isConfigFile(option)) {
                    keys.add(key(option));
                }
            }
        }
        List<String> unknown = new ArrayList<>();
        new TreeSet<>(env.keySet())
                .stream()
                        .filter(name -> name.startsWith(Setting.ENV_PREFIX) && !envNames.contains(name))
                        .forEach(name ->
                                unknown.add(name + ": unknown environment variable" + suggestion(name, envNames)));
        new TreeSet<>(file.keySet())
                .stream()
                        .filter(key -> !keys.contains(key))
                        .forEach(key -> unknown.add(fileName + ": " + key + ": unknown key"
                                + (key.equals(CONFIG_FLAG.substring(2))
                                        ? " (a config file cannot name another)"
                                        : suggestion(key, keys))));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", unknown));
        }
    }

    /**
     * Says where a picocli error's value came from: {@code MOTIONESS_PORT: 'abc' is not an int}.
     * Errors about flags are returned as they are.
     */
    String explain(CommandLine.ParameterException e) {
        if (e.getArgSpec() instanceof OptionSpec option && origins.containsKey(option.longestName())) {
            String problem = e.getCause() instanceof CommandLine.TypeConversionException conversion
                    ? conversion.getMessage()
                    : e.getMessage();
            return origins.get(option.longestName()) + ": " + problem;
        }
        return e.getMessage();
    }

    /**
     * Says where a validation error's value came from: the configuration names the flag first
     * ({@code --redis-shards must be ...}), which becomes {@code edge.properties: redis-shards must be ...}
     * when the value came from the file.
     */
    String explain(IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        Matcher flag = LEADING_FLAG.matcher(message);
        if (flag.find() && origins.containsKey(flag.group(1))) {
            return origins.get(flag.group(1)) + message.substring(flag.end());
        }
        return message;
    }

    /**
     * Where the settings not given as flags came from, names only, for the startup log:
     * {@code environment: MOTIONESS_PORT, MOTIONESS_AUTH_SECRET; edge.properties: redis-shards}.
     */
    String summary() {
        List<String> fromEnv = new ArrayList<>();
        List<String> fromFile = new ArrayList<>();
        origins.forEach((flag, where) -> {
            if (where.startsWith(Setting.ENV_PREFIX)) {
                fromEnv.add(where);
            } else {
                fromFile.add(flag.substring(2));
            }
        });
        List<String> parts = new ArrayList<>();
        if (!fromEnv.isEmpty()) {
            parts.add("environment: " + String.join(", ", fromEnv));
        }
        if (!fromFile.isEmpty()) {
            parts.add(fileName + ": " + String.join(", ", fromFile));
        }
        return String.join("; ", parts);
    }

    private static String suggestion(String name, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int distance = distance(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    /** Levenshtein distance; names are short. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
