package dev.nin.exercises;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A learner's answers file: {@code key = answer} lines, {@code #} comments and blank lines. Reading it
 * never judges an answer; it only says which line holds which answer and which lines cannot be read.
 *
 * @param answers  each answered key with its line, in file order; an empty answer counts as unanswered
 * @param problems lines that are not {@code key = answer}, keys given twice
 */
public record AnswersFile(Map<String, Line> answers, List<Problem> problems) {

    /** One answer: where it is and what it says. */
    public record Line(int number, String key, String text) {
    }

    /** A line the checker cannot use, with the reason in words. */
    public record Problem(int line, String message) {
    }

    /** The file as a whole cannot be read as text: missing, a folder, binary. Exit status 2. */
    public static final class UnreadableException extends Exception {
        public UnreadableException(String message) {
            super(message);
        }
    }

    private static final Pattern ANSWER = Pattern.compile("\\s*([A-Za-z0-9][A-Za-z0-9._-]*)\\s*[=:](.*)");

    /** Reads a file: refuses what is not a text file before looking at any line. */
    public static AnswersFile read(Path file) throws UnreadableException {
        if (!Files.exists(file)) throw new UnreadableException(file + ": no such file");
        if (Files.isDirectory(file)) throw new UnreadableException(file + " is a folder, not an answers file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnreadableException(file + " cannot be read: " + e.getMessage());
        }
        return parse(file.toString(), bytes);
    }

    static AnswersFile parse(String name, byte[] bytes) throws UnreadableException {
        for (byte b : bytes)
            if (b == 0) throw new UnreadableException(name + " is a binary file, not an answers file (./nin check --template writes one)");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UnreadableException(name + " is not UTF-8 text (a binary file?), not an answers file");
        }
        return parse(text);
    }

    /** Parses the text of an answers file. */
    public static AnswersFile parse(String text) {
        Map<String, Line> answers = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        String[] lines = text.replace("\uFEFF", "").split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher m = ANSWER.matcher(line);
            if (!m.matches()) {
                problems.add(new Problem(number, "expected 'key = answer' (e.g. 'params.total = 1,234,567') or a # comment, found '"
                        + abbreviate(line) + "'"));
                continue;
            }
            String key = m.group(1), value = stripComment(m.group(2));
            Line previous = answers.get(key);
            if (previous != null) {
                problems.add(new Problem(number, key + " is answered twice (first on line " + previous.number() + "); keep one"));
                continue;
            }
            answers.put(key, new Line(number, key, value));
        }
        return new AnswersFile(answers, problems);
    }

    /** "1.99M   # from the table" → "1.99M". */
    private static String stripComment(String value) {
        int hash = value.indexOf(" #");
        return (hash >= 0 ? value.substring(0, hash) : value).strip();
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }

    /** Whether the file holds nothing but blank lines and comments. */
    public boolean isEmpty() {
        return answers.isEmpty() && problems.isEmpty();
    }
}
