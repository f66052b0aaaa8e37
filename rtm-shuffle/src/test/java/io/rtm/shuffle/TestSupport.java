package io.rtm.shuffle;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.Map;

/** Small helpers shared by the tests. */
final class TestSupport {

  private TestSupport() {}

  /** A conf with the given overrides; keys are the suffixes after "spark.rtm.shuffle.". */
  static ShuffleTransportConf conf(Object... keyValues) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put("spark.rtm.shuffle." + keyValues[i], String.valueOf(keyValues[i + 1]));
    }
    return ShuffleTransportConf.fromMap(m);
  }

  /** A heap buffer framed like a producer batch: int length + bytes per record. */
  static ByteBuf batch(byte[]... records) {
    int size = 0;
    for (byte[] r : records) {
      size += 4 + r.length;
    }
    ByteBuf buf = Unpooled.buffer(size);
    for (byte[] r : records) {
      buf.writeInt(r.length).writeBytes(r);
    }
    return buf;
  }

  /** Runs until the gate returns a record, and copies it out. */
  static byte[] copyRecord(InputGate gate) {
    byte[] out = new byte[gate.recordLength()];
    System.arraycopy(gate.recordArray(), gate.recordOffset(), out, 0, out.length);
    return out;
  }

  /** Manual flusher for EmbeddedChannel tests: tasks run only when the test says so. */
  static final class ManualFlusher implements FlushScheduler {
    private final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();

    @Override
    public synchronized void schedule(Runnable task, long delayNanos) {
      tasks.add(task);
    }

    /** Runs the tasks scheduled so far (not those they schedule in turn). */
    void runScheduled() {
      java.util.List<Runnable> due;
      synchronized (this) {
        due = new java.util.ArrayList<>(tasks);
        tasks.clear();
      }
      due.forEach(Runnable::run);
    }

    synchronized int pending() {
      return tasks.size();
    }
  }
}
