package io.rtm.bench.child;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;

/**
 * The lines a mode JVM and the benchmark exchange. The child writes one JSON object per event to
 * stdout behind {@link #PREFIX} (Spark and Kafka log to stderr, so nothing else is mistaken for
 * one); the parent writes {@link #STOP} to the child's stdin to end the run.
 */
public final class ChildProtocol {
  public static final String PREFIX = "@rtm-bench ";
  public static final String STOP = "stop";

  /** The query runs (or the relay consumes); load may start. */
  public static final String READY = "ready";
  /** The run died on its own before it was stopped; a result follows after the stop. */
  public static final String FAILED = "failed";
  /** The last event: what happened, with peak memory and epoch commit times. */
  public static final String RESULT = "result";

  static final ObjectMapper JSON = new ObjectMapper();

  private ChildProtocol() {}

  static void emit(PrintStream out, String event, Map<String, ?> fields) {
    Map<String, Object> message = new java.util.LinkedHashMap<>();
    message.put("event", event);
    message.putAll(fields);
    try {
      String line = PREFIX + JSON.writeValueAsString(message);
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The event on {@code line}, or empty for any other output. */
  public static Optional<JsonNode> parse(String line) {
    if (!line.startsWith(PREFIX)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(line.substring(PREFIX.length())));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
