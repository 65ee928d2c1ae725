package com.motioness.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Each setting is written once, as a {@link Setting} in its concern, and everything else follows
 * from it: the concern lists it, the command line has its option with its description, its
 * environment variable and file key are its own, and the README's table has its row in the same
 * order. The builder builds without changing what it was given.
 */
class SettingDescriptorsTest {
    private static final List<Class<?>> CONCERNS = List.of(
            HttpSettings.class,
            TlsSettings.class,
            StreamingSettings.class,
            LogSettings.class,
            AuthSettings.class,
            LimitSettings.class,
            OpsSettings.class,
            WebhookSettings.class);

    @Test
    void everySettingDeclaredInAConcernIsListedByItOnceAndAllAreTheConfigsSettings() throws Exception {
        List<Setting<?>> all = new ArrayList<>();
        for (Class<?> concern : CONCERNS) {
            List<Setting<?>> declared = new ArrayList<>();
            for (Field field : concern.getDeclaredFields()) {
                if (field.getType() == Setting.class && Modifier.isStatic(field.getModifiers())) {
                    declared.add((Setting<?>) field.get(null));
                }
            }
            @SuppressWarnings("unchecked")
            List<Setting<?>> listed =
                    (List<Setting<?>>) concern.getField("SETTINGS").get(null);
            assertEquals(Set.copyOf(declared), Set.copyOf(listed), concern.getSimpleName() + ".SETTINGS");
            assertEquals(listed.size(), Set.copyOf(listed).size(), concern.getSimpleName() + " lists one twice");
            all.addAll(listed);
        }
        assertEquals(all, EdgeConfig.SETTINGS, "EdgeConfig.SETTINGS: every concern's, in order");
    }

    @Test
    void noTwoSettingsShareAFlagAVariableOrAKeyAndEachHasHelp() {
        Set<String> flags = new HashSet<>(Set.of("--config", "--help", "--version"));
        Set<String> variables = new HashSet<>(Set.of("MOTIONESS_CONFIG"));
        Set<String> keys = new HashSet<>(Set.of("config"));
        for (Setting<?> setting : EdgeConfig.SETTINGS) {
            assertTrue(setting.flag().matches("--[a-z0-9]+(-[a-z0-9]+)*"), setting.flag());
            assertTrue(flags.add(setting.flag()), setting.flag() + " twice");
            assertTrue(variables.add(setting.envName()), setting.envName() + " twice");
            assertTrue(keys.add(setting.fileKey()), setting.fileKey() + " twice");
            assertTrue(setting.envName().startsWith("MOTIONESS_"), setting.envName());
            assertFalse(setting.help().isBlank(), setting.flag() + " has no help");
            assertFalse(setting.help().contains("(default"), setting.flag() + ": the default is added to the help");
            assertTrue(
                    setting.description().endsWith(").")
                            && setting.description().contains(" (default: "),
                    setting.description());
            assertTrue(
                    setting.label() != null || setting.defaultValue() instanceof Boolean,
                    setting.flag() + ": only a switch has no value label");
        }
    }

    @Test
    void theCommandLineHasOneOptionPerSettingWithItsDescriptionInOrder() {
        List<String> options = new ArrayList<>();
        for (OptionSpec option : EdgeCommandLine.commandSpec().options()) {
            if (SettingSources.isSetting(option) && !SettingSources.isConfigFile(option)) {
                options.add(option.longestName());
                Setting<?> setting = EdgeConfig.SETTINGS.get(options.size() - 1);
                assertEquals(setting.flag(), option.longestName());
                // Picocli reads a description as a format: "%%" is a percent sign.
                assertEquals(
                        List.of(setting.description().replace("%%", "%")),
                        List.of(option.description()),
                        setting.flag());
                assertEquals(setting.envName(), SettingSources.envName(option));
                assertEquals(setting.fileKey(), SettingSources.key(option));
                assertEquals(setting.isList(), option.isMultiValue(), setting.flag());
            }
        }
        assertEquals(EdgeConfig.SETTINGS.size(), options.size());
    }

    @Test
    void theReadmeTableHasOneRowPerSettingInTheOrderOfHelp() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
        int header = lines.indexOf("| flag | environment variable | default | what it does |");
        assertTrue(header > 0, "the settings table's header");
        Pattern row = Pattern.compile("^\\| `(--[a-z0-9-]+)[^`]*` \\| `([A-Z0-9_]+)` \\|");
        List<String> readme = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            Matcher matcher = row.matcher(lines.get(i));
            assertTrue(matcher.find(), "not a setting's row: " + lines.get(i));
            assertEquals(Setting.envName(matcher.group(1)), matcher.group(2), lines.get(i));
            readme.add(matcher.group(1));
        }
        List<String> expected = new ArrayList<>(List.of("--config"));
        EdgeConfig.SETTINGS.forEach(setting -> expected.add(setting.flag()));
        assertEquals(expected, readme);
    }

    @Test
    void buildingChangesNothingTheBuilderWasGiven() {
        EdgeConfig.Builder builder =
                EdgeConfig.builder().demo(true).projectKeys(java.util.Map.of("key-0123456789", "p"));
        EdgeConfig withDemo = builder.build();
        assertEquals(withDemo.auth(), builder.build().auth(), "built twice, the same");
        assertTrue(withDemo.auth().projectKeys().containsKey(AuthSettings.DEMO_KEY));
        EdgeConfig without = builder.demo(false).build();
        assertEquals(
                java.util.Map.of("key-0123456789", "p"),
                without.auth().projectKeys(),
                "the demo's key was not left behind in the builder");
        assertEquals(java.util.Map.of("key-0123456789", "p"), without.auth().flagProjectKeys());
        assertNotEquals(withDemo.auth(), without.auth());
    }
}
