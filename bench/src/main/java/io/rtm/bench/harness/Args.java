package io.rtm.bench.harness;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options for the harness's out-of-process mains. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] argv) {
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--") || i + 1 == argv.length) {
        throw new IllegalArgumentException("expected --name value pairs, got: " + String.join(" ", argv));
      }
      values.put(argv[i].substring(2), argv[++i]);
    }
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String required(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return value;
  }

  String value(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  int intValue(String name, int fallback) {
    return has(name) ? Integer.parseInt(values.get(name)) : fallback;
  }

  long longValue(String name, long fallback) {
    return has(name) ? Long.parseLong(values.get(name)) : fallback;
  }

  double doubleValue(String name, double fallback) {
    return has(name) ? Double.parseDouble(values.get(name)) : fallback;
  }
}
