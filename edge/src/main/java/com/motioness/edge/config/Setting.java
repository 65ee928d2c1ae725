package com.motioness.edge.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * One setting, described once: its flag, the label of its value, its default, how the default is
 * shown and its help text. Everything else is derived from it: the command line's option and its
 * line of {@code --help} ({@link EdgeCommandLine}), its environment variable ({@code MOTIONESS_} and
 * the flag in upper snake case) and its {@code --config} file key (the flag without the dashes).
 * Each concern declares its settings beside the values they produce ({@link HttpSettings#PORT}).
 *
 * @param <T> the value's type in the configuration
 */
public final class Setting<T> {
    /** The prefix of every setting's environment variable. */
    public static final String ENV_PREFIX = "MOTIONESS_";

    private final String flag;
    private final String label;
    private final String help;
    private final T defaultValue;
    private final String shownDefault;
    private final Class<?> type;
    private final CommandLine.ITypeConverter<?> converter;
    private final String separator;
    private final Function<List<String>, T> fromList;

    private Setting(
            String flag,
            String label,
            String help,
            T defaultValue,
            String shownDefault,
            Class<?> type,
            CommandLine.ITypeConverter<?> converter,
            String separator,
            Function<List<String>, T> fromList) {
        this.flag = flag;
        this.label = label;
        this.help = help;
        this.defaultValue = defaultValue;
        this.shownDefault = shownDefault;
        this.type = type;
        this.converter = converter;
        this.separator = separator;
        this.fromList = fromList;
    }

    /** A whole number, its default shown as it is. */
    static Setting<Integer> integer(String flag, String label, int defaultValue, String help) {
        return new Setting<>(
                flag, label, help, defaultValue, Integer.toString(defaultValue), int.class, null, null, null);
    }

    /** A size in bytes, {@code 131072}, {@code 128k} or {@code 1m}. */
    static Setting<Integer> size(String flag, int defaultValue, String help) {
        return new Setting<>(
                flag,
                "SIZE",
                help,
                defaultValue,
                ByteSizes.format(defaultValue),
                int.class,
                new SizeConverter(),
                null,
                null);
    }

    /** A duration, {@code 500ms}, {@code 15s}, {@code 5m} or {@code 1h}. */
    static Setting<Duration> duration(String flag, Duration defaultValue, String help) {
        return new Setting<>(
                flag,
                "DURATION",
                help,
                defaultValue,
                Durations.format(defaultValue),
                Duration.class,
                new DurationConverter(),
                null,
                null);
    }

    /** A text; a null default is shown as {@code none} unless {@link #shown} says more. */
    static Setting<String> text(String flag, String label, String defaultValue, String help) {
        return new Setting<>(
                flag,
                label,
                help,
                defaultValue,
                defaultValue == null ? "none" : defaultValue,
                String.class,
                null,
                null,
                null);
    }

    /** A file, none by default. */
    static Setting<Path> path(String flag, String label, String help) {
        return new Setting<>(flag, label, help, null, "none", Path.class, null, null, null);
    }

    /** A switch: given alone on the command line, {@code true} or {@code false} elsewhere; off by default. */
    static Setting<Boolean> toggle(String flag, String help) {
        return new Setting<>(flag, null, help, false, "false", boolean.class, null, null, null);
    }

    /** A value of its own type and syntax. */
    static <T> Setting<T> of(
            String flag,
            String label,
            Class<T> type,
            CommandLine.ITypeConverter<T> converter,
            T defaultValue,
            String shownDefault,
            String help) {
        return new Setting<>(flag, label, help, defaultValue, shownDefault, type, converter, null, null);
    }

    /**
     * A repeatable setting: each element once per flag, or a list separated by {@code separator}
     * ({@code ,} or {@code ;}) in one flag, variable or file key; none by default.
     *
     * @param fromList turns the elements into the value, or throws naming the flag
     */
    static <T> Setting<T> list(
            String flag,
            String label,
            String separator,
            T defaultValue,
            Function<List<String>, T> fromList,
            String help) {
        return new Setting<>(flag, label, help, defaultValue, "none", List.class, null, separator, fromList);
    }

    /** The same setting, its default shown as {@code shownDefault} in {@code --help}. */
    Setting<T> shown(String shownDefault) {
        return new Setting<>(flag, label, help, defaultValue, shownDefault, type, converter, separator, fromList);
    }

    /** The long flag, {@code --redis-shards}. */
    public String flag() {
        return flag;
    }

    /** The label of its value in {@code --help} ({@code N}, {@code DURATION}), or null for a switch. */
    public String label() {
        return label;
    }

    /** What it does, for {@code --help}, without its default. */
    public String help() {
        return help;
    }

    /** Its value when given nowhere; null for some (then the configuration derives or omits it). */
    public T defaultValue() {
        return defaultValue;
    }

    /** Its line of {@code --help}: what it does and its default. */
    public String description() {
        return help + " (default: " + shownDefault + ").";
    }

    /** Its environment variable: {@code --redis-shards} is {@code MOTIONESS_REDIS_SHARDS}. */
    public String envName() {
        return envName(flag);
    }

    /** Its key in the {@code --config} file: the flag without the dashes, {@code redis-shards}. */
    public String fileKey() {
        return fileKey(flag);
    }

    /** True when it is repeatable. */
    public boolean isList() {
        return separator != null;
    }

    /** The list separator, {@code ,} or {@code ;}, or null when it is not repeatable. */
    String separator() {
        return separator;
    }

    /** The type picocli converts a value to. */
    Class<?> type() {
        return type;
    }

    /** The converter of a value, or null for picocli's own. */
    CommandLine.ITypeConverter<?> converter() {
        return converter;
    }

    /**
     * The value from what picocli parsed (from a flag, the environment or the file), or null when it
     * was given nowhere: an empty list is none, which is the default.
     */
    @SuppressWarnings("unchecked")
    T fromParsed(Object parsed) {
        if (parsed == null) {
            return null;
        }
        if (fromList == null) {
            return (T) parsed;
        }
        List<String> elements = (List<String>) parsed;
        return elements.isEmpty() ? null : fromList.apply(elements);
    }

    /** Checks {@code min <= value <= max}, naming the flag. */
    void range(int value, long min, long max) {
        Checks.check(value >= min && value <= max, flag + " must be between " + min + " and " + max + ", got " + value);
    }

    /** Checks that the duration is given and longer than zero, naming the flag. */
    void positive(Duration value) {
        Checks.check(
                value != null && !value.isNegative() && !value.isZero(),
                flag + " must be positive, got " + Checks.shown(value));
    }

    /** The file key of a flag: {@code --redis-shards} is {@code redis-shards}. */
    static String fileKey(String flag) {
        return flag.replaceFirst("^-+", "");
    }

    /** The environment variable of a flag: {@code --redis-shards} is {@code MOTIONESS_REDIS_SHARDS}. */
    static String envName(String flag) {
        return ENV_PREFIX + fileKey(flag).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String toString() {
        return flag;
    }

    /** Converts {@code 500ms}, {@code 15s}, {@code 5m}, {@code 1h}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                // A TypeConversionException's message is shown as it is, without picocli's type and class names.
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Converts {@code 131072}, {@code 128k}, {@code 1m}. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return ByteSizes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
