package dev.nin.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --switch} arguments, with errors that name the flag and the bad value. */
final class Flags {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> switches = new HashSet<>();

    /**
     * @param valued   the flags that take a value
     * @param switches the flags that take none
     */
    Flags(List<String> args, Set<String> valued, Set<String> switches) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (switches.contains(name) && !a.contains("=")) {
                this.switches.add(name);
            } else if (valued.contains(name)) {
                String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : (i + 1 < args.size() ? args.get(++i) : null);
                if (value == null) throw new IllegalArgumentException(name + " needs a value");
                if (value.isBlank()) throw new IllegalArgumentException(name + " needs a value, got an empty one");
                values.put(name, value);
            } else {
                Set<String> all = new java.util.TreeSet<>(valued);
                all.addAll(switches);
                throw new IllegalArgumentException("unknown argument '" + a + "'; the flags are " + all);
            }
        }
    }

    boolean has(String name) {
        return switches.contains(name) || values.containsKey(name);
    }

    String string(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    int integer(String name, int otherwise) {
        String v = values.get(name);
        if (v == null) return otherwise;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
        }
    }

    long longValue(String name, long otherwise) {
        String v = values.get(name);
        if (v == null) return otherwise;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
        }
    }

    double number(String name, double otherwise) {
        String v = values.get(name);
        if (v == null) return otherwise;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
        }
    }

    Path path(String name, Path otherwise) {
        String v = values.get(name);
        return v == null ? otherwise : Path.of(v);
    }
}
