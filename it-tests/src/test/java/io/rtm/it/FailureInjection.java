package io.rtm.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Makes a running task fail on demand, from the test: a filter that keeps every row but throws
 * while a marker file exists. The task sees the file on the shared file system, so no test hook
 * lives in the plugin. In {@link Mode#ONCE} the first row to see the marker deletes it (only one
 * task fails) and writes the failure time next to it.
 */
final class FailureInjection {
  enum Mode { ONCE, ALWAYS }

  private final Path marker;
  private final Path failedAt;

  FailureInjection(Path dir) {
    this.marker = dir.resolve("fail-now");
    this.failedAt = dir.resolve("failed-at");
  }

  /** {@code df} with a pass-through filter on {@code event_id} that fails while armed. */
  Dataset<Row> applyTo(Dataset<Row> df, Mode mode) {
    String markerPath = marker.toString();
    String failedAtPath = failedAt.toString();
    boolean once = mode == Mode.ONCE;
    UserDefinedFunction failWhenArmed = udf((UDF1<Long, Boolean>) id -> {
      Path m = Path.of(markerPath);
      if (once ? Files.deleteIfExists(m) : Files.exists(m)) {
        Files.writeString(Path.of(failedAtPath), Long.toString(System.currentTimeMillis()),
            StandardCharsets.UTF_8);
        throw new IllegalStateException("injected failure at event " + id);
      }
      return true;
    }, DataTypes.BooleanType).asNondeterministic();
    return df.filter(failWhenArmed.apply(col("event_id")));
  }

  void arm() {
    try {
      Files.writeString(marker, "armed");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean fired() {
    return Files.isRegularFile(failedAt);
  }

  /** Wall-clock time of the (last) injected failure. */
  long failedAtMs() throws IOException {
    return Long.parseLong(Files.readString(failedAt).trim());
  }
}
