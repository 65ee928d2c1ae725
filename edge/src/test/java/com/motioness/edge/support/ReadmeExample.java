package com.motioness.edge.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One example of the README that is meant to run: the bash blocks marked {@code <!-- example NAME -->}
 * (the line before the fence), in the README's order, which a reader runs in one terminal one after
 * the other. A block marked {@code <!-- example NAME: server -->} starts a server in the foreground
 * (the reader goes on in another terminal): only its {@code java -jar} command is the example's,
 * the build before it is the reader's, not the test's.
 *
 * @param name the marker's name
 * @param blocks the blocks, in order
 */
public record ReadmeExample(String name, List<Block> blocks) {
    private static final Pattern MARKER = Pattern.compile("<!-- example ([a-z0-9-]+)(: server)? -->");
    /** A documented answer: a comment line of JSON, right after the command that prints it. */
    public static final Pattern DOCUMENTED_ANSWER = Pattern.compile("(?m)^# (\\{.*})[ \\t]*$");

    private static final Pattern SERVER_COMMAND = Pattern.compile("(?m)java -jar .*$");

    /**
     * One marked block.
     *
     * @param text its lines, without the fences
     * @param server true: a server the reader leaves running in its own terminal
     */
    public record Block(String text, boolean server) {
        /** A server block's command: from {@code java -jar} to the end of its line. */
        public String serverCommand() {
            Matcher command = SERVER_COMMAND.matcher(text);
            if (!command.find()) {
                throw new IllegalStateException("a server block without a java -jar command:\n" + text);
            }
            return command.group();
        }
    }

    /** The examples of a README, in the order of their first block. */
    public static List<ReadmeExample> parse(String markdown) {
        Map<String, List<Block>> examples = new LinkedHashMap<>();
        List<String> lines = markdown.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher marker = MARKER.matcher(lines.get(i).strip());
            if (!marker.matches()) {
                continue;
            }
            if (i + 1 >= lines.size() || !lines.get(i + 1).equals("```bash")) {
                throw new IllegalStateException(
                        "line " + (i + 1) + ": the marker " + lines.get(i) + " is not right before a ```bash block");
            }
            StringBuilder text = new StringBuilder();
            int line = i + 2;
            for (; line < lines.size() && !lines.get(line).equals("```"); line++) {
                text.append(lines.get(line)).append('\n');
            }
            if (line == lines.size()) {
                throw new IllegalStateException("line " + (i + 2) + ": the block is not closed");
            }
            examples.computeIfAbsent(marker.group(1), name -> new ArrayList<>())
                    .add(new Block(text.toString(), marker.group(2) != null));
            i = line;
        }
        List<ReadmeExample> all = new ArrayList<>();
        examples.forEach((name, blocks) -> all.add(new ReadmeExample(name, List.copyOf(blocks))));
        return all;
    }

    /**
     * The answers the README shows, the {@link #DOCUMENTED_ANSWER} lines in order, as patterns of a
     * whole line in which every number stands for any number (ids and timestamps differ on every run).
     */
    public List<Pattern> documentedAnswers() {
        List<Pattern> answers = new ArrayList<>();
        for (Block block : blocks) {
            Matcher answer = DOCUMENTED_ANSWER.matcher(block.text());
            while (answer.find()) {
                StringBuilder regex = new StringBuilder();
                for (String part : answer.group(1).split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)")) {
                    regex.append(Character.isDigit(part.charAt(0)) ? "\\d+" : Pattern.quote(part));
                }
                answers.add(Pattern.compile(regex.toString()));
            }
        }
        return answers;
    }
}
