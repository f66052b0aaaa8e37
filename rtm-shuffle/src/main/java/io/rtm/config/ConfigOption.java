package io.rtm.config;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One typed, documented configuration key.
 *
 * <p>Options are immutable; the fluent methods ({@link #doc}, {@link #since}, {@link #atLeast})
 * return copies so that declarations in {@link RtmOptions} read as one expression each.
 * Parsing failures are reported as {@link IllegalArgumentException}s that name the key and the
 * offending value, because the user usually set it in a spark-submit line far away from the code
 * that reads it.
 *
 * @param <T> the value type
 */
public final class ConfigOption<T> {

  /** The project version that options are introduced in unless {@link #since} says otherwise. */
  public static final String INITIAL_VERSION = "0.1.0";

  private final String key;
  private final Class<T> type;
  private final T defaultValue;
  private final String doc;
  private final String since;
  private final Function<String, T> parser;
  private final Predicate<T> constraint;
  private final String constraintDescription;

  private ConfigOption(
      String key,
      Class<T> type,
      T defaultValue,
      String doc,
      String since,
      Function<String, T> parser,
      Predicate<T> constraint,
      String constraintDescription) {
    this.key = Objects.requireNonNull(key, "key");
    this.type = Objects.requireNonNull(type, "type");
    this.defaultValue = defaultValue;
    this.doc = Objects.requireNonNull(doc, "doc");
    this.since = Objects.requireNonNull(since, "since");
    this.parser = Objects.requireNonNull(parser, "parser");
    this.constraint = Objects.requireNonNull(constraint, "constraint");
    this.constraintDescription = constraintDescription;
  }

  public static ConfigOption<Integer> intOption(String key, int defaultValue) {
    return new ConfigOption<>(
        key, Integer.class, defaultValue, "", INITIAL_VERSION, s -> Integer.valueOf(s.trim()),
        v -> true, "an integer");
  }

  public static ConfigOption<Long> longOption(String key, long defaultValue) {
    return new ConfigOption<>(
        key, Long.class, defaultValue, "", INITIAL_VERSION, s -> Long.valueOf(s.trim()),
        v -> true, "a long integer");
  }

  public static ConfigOption<Boolean> booleanOption(String key, boolean defaultValue) {
    return new ConfigOption<>(
        key, Boolean.class, defaultValue, "", INITIAL_VERSION, ConfigOption::parseBoolean,
        v -> true, "true or false");
  }

  public static ConfigOption<String> stringOption(String key, String defaultValue) {
    return new ConfigOption<>(
        key, String.class, defaultValue, "", INITIAL_VERSION, s -> s, v -> true, "a string");
  }

  /** Returns a copy with the given documentation sentence(s). */
  public ConfigOption<T> doc(String newDoc) {
    return new ConfigOption<>(
        key, type, defaultValue, newDoc, since, parser, constraint, constraintDescription);
  }

  /** Returns a copy marked as introduced in {@code version}. */
  public ConfigOption<T> since(String version) {
    return new ConfigOption<>(
        key, type, defaultValue, doc, version, parser, constraint, constraintDescription);
  }

  /** Returns a copy that rejects values below {@code min}; only for numeric options. */
  @SuppressWarnings("unchecked")
  public ConfigOption<T> atLeast(long min) {
    if (!Number.class.isAssignableFrom(type)) {
      throw new IllegalStateException("atLeast() needs a numeric option, " + key + " is " + type);
    }
    Predicate<T> bound = v -> ((Number) v).longValue() >= min;
    ConfigOption<T> copy =
        new ConfigOption<>(
            key, type, defaultValue, doc, since, parser, constraint.and(bound),
            constraintDescription + " >= " + min);
    if (defaultValue != null && !bound.test(defaultValue)) {
      throw new IllegalStateException("Default of " + key + " violates its own bound " + min);
    }
    return copy;
  }

  public String key() {
    return key;
  }

  public Class<T> type() {
    return type;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  public String since() {
    return since;
  }

  /** What a valid value looks like, e.g. "an integer >= 1"; used in error messages and docs. */
  public String constraintDescription() {
    return constraintDescription;
  }

  /**
   * Parses and validates a raw string value.
   *
   * @throws IllegalArgumentException naming the key and the bad value
   */
  public T parse(String raw) {
    if (raw == null) {
      throw new IllegalArgumentException("Missing value for " + key);
    }
    T value;
    try {
      value = parser.apply(raw);
    } catch (RuntimeException e) {
      throw invalid(raw, e);
    }
    if (!constraint.test(value)) {
      throw invalid(raw, null);
    }
    return value;
  }

  /** The value of this option in {@code conf}, or its default when absent. */
  public T get(Map<String, String> conf) {
    String raw = conf.get(key);
    return raw == null ? defaultValue : parse(raw);
  }

  private IllegalArgumentException invalid(String raw, Throwable cause) {
    return new IllegalArgumentException(
        "Invalid value '" + raw + "' for " + key + ": expected " + constraintDescription
            + " (default " + defaultValue + ")",
        cause);
  }

  private static Boolean parseBoolean(String s) {
    // Boolean.parseBoolean silently maps typos to false; a config typo should be loud.
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("true")) {
      return Boolean.TRUE;
    }
    if (t.equals("false")) {
      return Boolean.FALSE;
    }
    throw new IllegalArgumentException("not a boolean");
  }

  @Override
  public String toString() {
    return key + " (" + type.getSimpleName() + ", default " + defaultValue + ", since " + since
        + ")";
  }
}
