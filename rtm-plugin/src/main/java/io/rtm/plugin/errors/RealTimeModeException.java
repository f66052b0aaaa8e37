package io.rtm.plugin.errors;

import java.util.Map;
import org.apache.spark.SparkThrowable;

/** An error of the real-time engine with an error condition from {@code error-conditions.json}. */
public final class RealTimeModeException extends RuntimeException implements SparkThrowable {
  private final String condition;
  private final String sqlState;
  private final Map<String, String> parameters;

  RealTimeModeException(String condition, String sqlState, Map<String, String> parameters, String message,
      Throwable cause) {
    super(message, cause);
    this.condition = condition;
    this.sqlState = sqlState;
    this.parameters = Map.copyOf(parameters);
  }

  @Override
  public String getCondition() {
    return condition;
  }

  @Override
  public String getSqlState() {
    return sqlState;
  }

  @Override
  public Map<String, String> getMessageParameters() {
    return parameters;
  }
}
