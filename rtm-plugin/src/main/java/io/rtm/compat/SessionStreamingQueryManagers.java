package io.rtm.compat;

import java.lang.reflect.Field;
import org.apache.spark.sql.classic.StreamingQueryManager;
import org.apache.spark.sql.internal.SessionState;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import scala.Function0;

/**
 * Gives a session its own {@link StreamingQueryManager} before the session first uses one.
 *
 * <p>Spark 4.2.0 ({@code SessionState.scala}) builds {@code SessionState.streamingQueryManager}, a
 * lazy val, from the constructor argument {@code streamingQueryManagerBuilder}; no session extension
 * point creates or wraps the manager, and the session-state builder class cannot be chosen. So the
 * builder field is replaced by reflection while the lazy val is still unset, or the lazy val's
 * field itself while Spark's manager exists but runs no query.
 */
public final class SessionStreamingQueryManagers {
  private static final Field BUILT = field("streamingQueryManager");
  private static final Field BUILDER = field("streamingQueryManagerBuilder");

  private SessionStreamingQueryManagers() {}

  /**
   * Makes {@code builder}'s manager the session's: installed as the builder while the lazy val is
   * unset; else, when the session already made Spark's manager (a user called {@code spark.streams()},
   * say to add a listener, before the first DataFrame) and it runs no query yet, replaced by a new one
   * that takes over its listeners. True when the session's manager is or will be a {@code kind}; false
   * when Spark's manager runs queries (or Spark's fields changed).
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
        if (built == null) {
          BUILDER.set(state, builder);
          return true;
        }
        if (kind.isInstance(built)) {
          return true;
        }
        StreamingQueryManager old = (StreamingQueryManager) built;
        if (old.active().length > 0) {
          return false;
        }
        StreamingQueryManager ours = builder.apply();
        // The new manager registered the configured listeners and the UI's again: keep the old
        // manager's instances instead (the user's own listeners among them), each exactly once.
        for (StreamingQueryListener l : ours.listListeners()) {
          ours.removeListener(l);
        }
        for (StreamingQueryListener l : old.listListeners()) {
          old.removeListener(l);
          ours.addListener(l);
        }
        BUILT.set(state, ours);
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
