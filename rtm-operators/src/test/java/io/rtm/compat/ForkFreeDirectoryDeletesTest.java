package io.rtm.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.execution.streaming.state.StateStoreConf;
import org.apache.spark.sql.internal.SQLConf;
import org.junit.jupiter.api.Test;

class ForkFreeDirectoryDeletesTest {

  /** One test: the switch is JVM-wide, so the order of its steps is part of what is checked. */
  @Test
  void onlyAStoreConfWithTheOptionOnStopsTheForkAndDeletionStillWorks() throws Exception {
    boolean before = JavaUtils.isUnix;
    ForkFreeDirectoryDeletes.forStores(conf(null));
    ForkFreeDirectoryDeletes.forStores(conf("false"));
    assertThat(ForkFreeDirectoryDeletes.applied()).isFalse();
    assertThat(JavaUtils.isUnix).isEqualTo(before);

    ForkFreeDirectoryDeletes.forStores(conf("true"));
    assertThat(ForkFreeDirectoryDeletes.applied()).isTrue();
    assertThat(JavaUtils.isUnix).isFalse();

    Path dir = Files.createTempDirectory("rtm-fork-free");
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/b/f.sst"), "x");
    Files.createSymbolicLink(dir.resolve("link"), Files.createTempFile("rtm-target", ".txt"));
    org.apache.spark.util.Utils.deleteRecursively(dir.toFile());
    assertThat(dir).doesNotExist();
  }

  private static StateStoreConf conf(String value) {
    scala.collection.immutable.Map<String, String> extra = value == null
        ? scala.collection.immutable.Map$.MODULE$.empty()
        : new scala.collection.immutable.Map.Map1<>(ForkFreeDirectoryDeletes.OPTION, value);
    return new StateStoreConf(new SQLConf(), extra);
  }
}
