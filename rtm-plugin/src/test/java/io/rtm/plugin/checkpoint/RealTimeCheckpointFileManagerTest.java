package io.rtm.plugin.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;
import org.apache.spark.sql.execution.streaming.checkpointing.FileContextBasedCheckpointFileManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealTimeCheckpointFileManagerTest {
  @TempDir java.nio.file.Path dir;

  private static Configuration conf(boolean realTime) {
    Configuration conf = new Configuration();
    conf.set("spark.sql.streaming.realTimeMode.enabled", Boolean.toString(realTime));
    return conf;
  }

  private Path path(String name) {
    return new Path(dir.resolve(name).toUri());
  }

  private static void write(CheckpointFileManager fm, Path path, boolean overwrite, String text) throws IOException {
    try (OutputStream out = fm.createAtomic(path, overwrite)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String read(CheckpointFileManager fm, Path path) throws IOException {
    try (InputStream in = fm.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void switchOffKeepsSparksOwnManager() {
    RealTimeCheckpointFileManager fm = new RealTimeCheckpointFileManager(path("cp"), conf(false));
    assertThat(fm.delegate()).isInstanceOf(FileContextBasedCheckpointFileManager.class);
  }

  @Test
  void realTimeQueriesOnLocalDisksUseNio() {
    RealTimeCheckpointFileManager fm = new RealTimeCheckpointFileManager(path("cp"), conf(true));
    assertThat(fm.delegate()).isInstanceOf(LocalCheckpointFiles.class);
  }

  @Test
  void theOptionTurnsNioOff() {
    Configuration conf = conf(true);
    conf.set("spark.rtm.checkpoint.localNioFiles", "false");
    assertThat(new RealTimeCheckpointFileManager(path("cp"), conf).delegate())
        .isInstanceOf(FileContextBasedCheckpointFileManager.class);
  }

  @Test
  void createIfAbsentRefusesAnExistingFileAndKeepsItsBytes() throws IOException {
    CheckpointFileManager fm = new RealTimeCheckpointFileManager(path("cp"), conf(true));
    Path offsets = path("cp/offsets/7");
    write(fm, offsets, false, "first");
    assertThatThrownBy(() -> write(fm, offsets, false, "second"))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(read(fm, offsets)).isEqualTo("first");
    write(fm, offsets, true, "third");
    assertThat(read(fm, offsets)).isEqualTo("third");
    assertThat(fm.list(path("cp/offsets"))).extracting(s -> s.getPath().getName()).containsExactly("7");
  }

  @Test
  void cancelledWritesLeaveNothingBehind() throws IOException {
    CheckpointFileManager fm = new RealTimeCheckpointFileManager(path("cp"), conf(true));
    CheckpointFileManager.CancellableFSDataOutputStream out = fm.createAtomic(path("cp/commits/3"), false);
    out.write(42);
    out.cancel();
    assertThat(fm.exists(path("cp/commits/3"))).isFalse();
    try (var files = Files.list(dir.resolve("cp/commits"))) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void filesStockSparkWroteAreReadAndTheirStaleChecksumsNeverSurvive() throws IOException {
    Path file = path("cp/offsets/0");
    CheckpointFileManager stock = new FileContextBasedCheckpointFileManager(path("cp"), conf(false));
    stock.mkdirs(path("cp/offsets"));
    write(stock, file, false, "written by stock Spark");
    assertThat(dir.resolve("cp/offsets/.0.crc")).exists();

    CheckpointFileManager rtm = new RealTimeCheckpointFileManager(path("cp"), conf(true));
    assertThat(read(rtm, file)).isEqualTo("written by stock Spark");
    assertThat(rtm.list(path("cp/offsets"))).extracting(s -> s.getPath().getName()).containsExactly("0");

    write(rtm, file, true, "replaced by the real-time engine");
    assertThat(dir.resolve("cp/offsets/.0.crc")).doesNotExist();
    assertThat(read(stock, file)).isEqualTo("replaced by the real-time engine");

    rtm.delete(file);
    assertThat(rtm.exists(file)).isFalse();
    rtm.delete(file); // absent: no error
  }

  @Test
  void openSeeksAndReportsMissingFilesAsSparkExpects() throws IOException {
    CheckpointFileManager fm = new RealTimeCheckpointFileManager(path("cp"), conf(true));
    write(fm, path("cp/state/1.delta"), false, "0123456789");
    try (FSDataInputStream in = fm.open(path("cp/state/1.delta"))) {
      in.seek(4);
      assertThat(in.read()).isEqualTo('4');
      byte[] two = new byte[2];
      in.readFully(7, two);
      assertThat(new String(two, StandardCharsets.US_ASCII)).isEqualTo("78");
    }
    assertThatThrownBy(() -> fm.open(path("cp/state/2.delta"))).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> fm.list(path("cp/nothing"))).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void deletesDirectoriesRecursivelyAndCreatesTheCheckpointDirectory() throws IOException {
    CheckpointFileManager fm = new RealTimeCheckpointFileManager(path("cp"), conf(true));
    Path created = fm.createCheckpointDirectory();
    assertThat(created.toUri().getScheme()).isEqualTo("file");
    write(fm, path("cp/state/0/1/1.changelog"), false, "x");
    fm.delete(path("cp/state"));
    assertThat(fm.exists(path("cp/state"))).isFalse();
    FileStatus[] top = fm.list(path("cp"));
    assertThat(Arrays.stream(top).map(s -> s.getPath().getName())).isEmpty();
  }
}
