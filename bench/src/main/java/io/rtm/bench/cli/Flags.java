package io.rtm.bench.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options: {@code --name value}, or a bare {@code --name} for the switches the
 * caller declares. Unknown names fail, so a typo never silently runs the defaults.
 */
public final class Flags {
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> switches = new HashSet<>();

  private Flags() {}

  public static Flags parse(String[] argv, Set<String> knownValues, Set<String> knownSwitches) {
    Flags flags = new Flags();
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("expected --name, got " + arg);
      }
      String name = arg.substring(2);
      int eq = name.indexOf('=');
      if (eq > 0) {
        flags.put(name.substring(0, eq), name.substring(eq + 1), knownValues);
      } else if (knownSwitches.contains(name)) {
        flags.switches.add(name);
      } else if (i + 1 < argv.length) {
        flags.put(name, argv[++i], knownValues);
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
    }
    return flags;
  }

  private void put(String name, String value, Set<String> known) {
    if (!known.contains(name)) {
      throw new IllegalArgumentException("unknown option --" + name + "; known: " + known);
    }
    values.put(name, value);
  }

  public boolean has(String name) {
    return values.containsKey(name) || switches.contains(name);
  }

  public String required(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return value;
  }

  public String value(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public int intValue(String name, int fallback) {
    return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
  }

  public double doubleValue(String name, double fallback) {
    return values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback;
  }

  /** A comma-separated list; {@code fallback} when absent. */
  public List<String> list(String name, List<String> fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    return new ArrayList<>(Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
  }
}
