package io.rtm.compat;

import java.lang.reflect.Field;
import org.apache.spark.sql.classic.StreamingQueryManager;
import org.apache.spark.sql.internal.SessionState;
import scala.Function0;

/**
 * Gives a session its own {@link StreamingQueryManager} before the session first uses one.
 *
 * <p>Spark 4.2.0 ({@code SessionState.scala}) builds {@code SessionState.streamingQueryManager}, a
 * lazy val, from the constructor argument {@code streamingQueryManagerBuilder}; no session extension
 * point creates or wraps the manager, and the session-state builder class cannot be chosen. So the
 * builder field is replaced by reflection while the lazy val is still unset. Once a manager exists
 * (something called {@code spark.streams()} before the first analysed plan), it is left alone: it
 * already holds listeners and active queries.
 */
public final class SessionStreamingQueryManagers {
  private static final Field BUILT = field("streamingQueryManager");
  private static final Field BUILDER = field("streamingQueryManagerBuilder");

  private SessionStreamingQueryManagers() {}

  /**
   * Installs {@code builder}; true when it will build the session's manager or the session already
   * has a {@code kind}, false when another manager exists already (or Spark's fields changed).
   */
  public static boolean install(SessionState state, Class<? extends StreamingQueryManager> kind,
      Function0<StreamingQueryManager> builder) {
    if (BUILT == null || BUILDER == null) {
      return false;
    }
    // The lazy val initialises under the SessionState's monitor: holding it, the check and the
    // replacement cannot interleave with a first spark.streams() on another thread.
    synchronized (state) {
      try {
        Object built = BUILT.get(state);
        if (built != null) {
          return kind.isInstance(built);
        }
        BUILDER.set(state, builder);
        return true;
      } catch (IllegalAccessException e) {
        return false;
      }
    }
  }

  private static Field field(String name) {
    try {
      Field f = SessionState.class.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
