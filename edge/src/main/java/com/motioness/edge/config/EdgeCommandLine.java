package com.motioness.edge.config;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The command line of {@code motioness-edge}, on picocli, built from {@link EdgeConfig#SETTINGS}: each
 * {@link Setting} is one typed option whose default is shown in {@code --help}, and errors name the
 * flag. Each option is also read from its {@code MOTIONESS_*} environment variable and its key in the
 * {@code --config} properties file ({@link SettingSources}): a flag wins over the environment, which
 * wins over the file. It only turns settings into an {@link EdgeConfig}; the config validates.
 */
public final class EdgeCommandLine {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeCommandLine.class);
    private static final String[] FOOTER = {
        "%nEvery setting can also be given by its environment variable (env, above) "
                + "or as a key of the --config file: its flag without the dashes (redis-shards=4). A flag wins over the "
                + "environment, which wins over the file. There, a repeatable setting takes a list and a switch true or "
                + "false.%n",
        "Durations: 500ms, 15s, 5m, 1h. Sizes: bytes, or with k / m (binary).%n",
        "Examples:%n  java -jar motioness-edge.jar --demo%n"
                + "  MOTIONESS_INGEST_TOKEN=... java -jar motioness-edge.jar --config edge.properties"
    };

    private EdgeCommandLine() {}

    /** Parses flags alone, as if the environment were empty, into a validated configuration; errors name the flag. */
    public static EdgeConfig parse(String... args) {
        return parse(Map.of(), args);
    }

    /**
     * Parses flags, then {@code env}'s {@code MOTIONESS_*} variables, then the {@code --config} file
     * into a validated configuration.
     *
     * @param env the environment: {@code System.getenv()} in production, a map in tests
     * @throws IllegalArgumentException naming the flag, variable or file key of the first bad setting
     */
    public static EdgeConfig parse(Map<String, String> env, String... args) {
        CommandLine flagsOnly = commandLine();
        try {
            flagsOnly.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return resolve(flagsOnly, args, env);
    }

    /**
     * Runs the command line: prints help or version, or reports a bad setting on {@code err} (exit
     * code 2), or hands the configuration to {@code server} and returns its exit code.
     *
     * @param env the environment: {@code System.getenv()} in production, a map in tests
     */
    public static int run(
            String[] args,
            Map<String, String> env,
            Function<EdgeConfig, Integer> server,
            PrintWriter out,
            PrintWriter err) {
        CommandLine flagsOnly = commandLine();
        EdgeConfig config;
        try {
            flagsOnly.parseArgs(args);
            // Help is rendered before the environment is read: it shows the built-in defaults, and
            // no value from the environment (a secret) can reach it.
            if (flagsOnly.isUsageHelpRequested()) {
                flagsOnly.usage(out);
                return 0;
            }
            if (flagsOnly.isVersionHelpRequested()) {
                flagsOnly.printVersionHelp(out);
                return 0;
            }
            config = resolve(flagsOnly, args, env);
        } catch (CommandLine.ParameterException | IllegalArgumentException | java.io.UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help for usage.");
            err.flush();
            return 2;
        }
        return server.apply(config);
    }

    /**
     * The options of {@code motioness-edge}: {@code --config}, then one per {@link Setting} of
     * {@link EdgeConfig#SETTINGS}, then {@code --help} and {@code --version}.
     */
    static CommandSpec commandSpec() {
        CommandSpec spec = CommandSpec.create().name("motioness-edge").version("motioness-edge 0.1.0");
        spec.usageMessage()
                .sortOptions(false)
                .abbreviateSynopsis(true)
                .footer(FOOTER)
                .description(
                        "Server-Sent Events edge of Motioness: streams asset lifecycle events to EventSource, curl "
                                + "and CDNs. With no Redis configured, events come from an embedded in-memory log.%n");
        spec.addOption(OptionSpec.builder(SettingSources.CONFIG_FLAG)
                .paramLabel("FILE")
                .type(Path.class)
                .description("A properties file of settings, one key=value a line (default: none).")
                .build());
        for (Setting<?> setting : EdgeConfig.SETTINGS) {
            spec.addOption(option(setting));
        }
        return spec.mixinStandardHelpOptions(true);
    }

    private static OptionSpec option(Setting<?> setting) {
        OptionSpec.Builder option = OptionSpec.builder(setting.flag()).description(setting.description());
        if (setting.label() != null) {
            option.paramLabel(setting.label());
        }
        if (setting.converter() != null) {
            option.converters(setting.converter());
        }
        if (setting.isList()) {
            // A repeatable option's variable or file key holds a list: without a separator it would
            // be read as one element.
            option.type(List.class)
                    .auxiliaryTypes(String.class)
                    .hideParamSyntax(true)
                    .splitRegex("\\s*" + setting.separator() + "\\s*")
                    .splitRegexSynopsisLabel(setting.separator());
        } else {
            option.type(setting.type());
        }
        return option.build();
    }

    /**
     * Parses again with the environment and the config file as picocli's default values, which
     * picocli consults only for options missing from the command line.
     */
    private static EdgeConfig resolve(CommandLine flagsOnly, String[] args, Map<String, String> env) {
        Path file = flagsOnly
                .getCommandSpec()
                .findOption(SettingSources.CONFIG_FLAG)
                .getValue();
        String shownAs = SettingSources.CONFIG_FLAG;
        String fromEnv = env.get(Setting.envName(SettingSources.CONFIG_FLAG));
        if (file == null && fromEnv != null && !fromEnv.isBlank()) {
            shownAs = Setting.envName(SettingSources.CONFIG_FLAG);
            try {
                file = Path.of(fromEnv.strip());
            } catch (java.nio.file.InvalidPathException e) {
                throw new IllegalArgumentException(shownAs + ": not a path: " + e.getMessage(), e);
            }
        }
        SettingSources sources = file == null
                ? new SettingSources(env, null, Map.of())
                : new SettingSources(env, file.toString(), SettingsFile.read(file, shownAs));
        sources.checkKnown(flagsOnly.getCommandSpec());
        // No ${...} expansion in values: a secret may hold "$$" or "${".
        CommandLine withSources = commandLine().setDefaultValueProvider(sources).setInterpolateVariables(false);
        EdgeConfig config;
        try {
            withSources.parseArgs(args);
            config = toConfig(withSources.getCommandSpec());
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(sources.explain(e), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(sources.explain(e), e);
        }
        if (!sources.summary().isEmpty()) {
            // Names only: values may be secrets.
            LOG.info("settings not given as flags: {}", sources.summary());
        }
        return config;
    }

    /** A command line whose help lists each setting's environment variable under it. */
    private static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(commandSpec());
        commandLine.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, EdgeCommandLine::optionList);
        return commandLine;
    }

    private static String optionList(Help help) {
        ColorScheme scheme = help.colorScheme();
        CommandSpec spec = help.commandSpec();
        Help.IOptionRenderer plain = help.createDefaultOptionRenderer();
        Help.IOptionRenderer withEnvironment = (option, labels, colors) -> {
            Help.Ansi.Text[][] rows = plain.render(option, labels, colors);
            if (!SettingSources.isSetting(option)) {
                return rows;
            }
            String list = option.isMultiValue() ? " (" + separatorName(option) + "-separated)" : "";
            Help.Ansi.Text empty = colors.ansi().new Text("", colors);
            Help.Ansi.Text[][] withRow = Arrays.copyOf(rows, rows.length + 1);
            withRow[rows.length] = new Help.Ansi.Text[] {
                empty,
                empty,
                empty,
                empty,
                colors.ansi().new Text("  env " + SettingSources.envName(option) + list, colors)
            };
            return withRow;
        };
        Help.TextTable table = Help.TextTable.forDefaultColumns(
                scheme,
                help.calcLongOptionColumnWidth(spec.options(), spec.positionalParameters(), scheme),
                spec.usageMessage().width());
        Help.Layout layout = new Help.Layout(scheme, table, withEnvironment, help.createDefaultParameterRenderer());
        return help.optionList(layout, help.createDefaultOptionSort(), help.parameterLabelRenderer());
    }

    private static String separatorName(OptionSpec option) {
        return switch (option.splitRegexSynopsisLabel()) {
            case "," -> "comma";
            case ";" -> "semicolon";
            default -> option.splitRegexSynopsisLabel();
        };
    }

    /** The settings picocli found (from flags, the environment or the file), every other at its default. */
    private static EdgeConfig toConfig(CommandSpec spec) {
        EdgeConfig.Builder builder = EdgeConfig.builder();
        for (Setting<?> setting : EdgeConfig.SETTINGS) {
            given(builder, setting, spec.findOption(setting.flag()).getValue());
        }
        return builder.build();
    }

    private static <T> void given(EdgeConfig.Builder builder, Setting<T> setting, Object parsed) {
        T value = setting.fromParsed(parsed);
        if (value != null) {
            builder.set(setting, value);
        }
    }
}
