package io.rtm.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty reported a leaked ByteBuf while it ran. Netty reports leaks through
 * its logger (java.util.logging here, as no SLF4J is on the test classpath) only after the leaked
 * buffer was garbage collected and a later allocation polled the leak queue, so the check forces
 * both. Surefire runs with -Dio.netty.leakDetection.level=paranoid, which tracks every buffer.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {

  private static final Logger LEAK_LOGGER = Logger.getLogger(ResourceLeakDetector.class.getName());
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
  private static final Handler HANDLER =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          String message = record.getMessage();
          if (message != null && message.contains("LEAK")) {
            LEAKS.add(message);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  static {
    LEAK_LOGGER.addHandler(HANDLER);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    forceLeakReports();
    LEAKS.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    forceLeakReports();
    assertThat(LEAKS).as("Netty leak reports during " + context.getDisplayName()).isEmpty();
  }

  private static void forceLeakReports() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      System.runFinalization();
      // Every tracked allocation drains the queue of collected-but-unreleased buffers.
      for (int i = 0; i < 64; i++) {
        ByteBuf a = ByteBufAllocator.DEFAULT.buffer(16);
        ByteBuf b = ByteBufAllocator.DEFAULT.heapBuffer(16);
        ByteBuf c = Unpooled.directBuffer(16);
        a.release();
        b.release();
        c.release();
      }
    }
  }
}
