package io.rtm.plugin.checkpoint;

import io.rtm.config.RtmOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;
import org.apache.spark.sql.execution.streaming.checkpointing.FileContextBasedCheckpointFileManager;
import org.apache.spark.sql.execution.streaming.checkpointing.FileSystemBasedCheckpointFileManager;

/**
 * The checkpoint file manager the plugin registers under
 * {@code spark.sql.streaming.checkpointFileManagerClass} (Spark reads that key from the Hadoop
 * configuration of the offset log, commit log and state stores; checked against Spark 4.2.0).
 *
 * <p>Why: without Hadoop's native library, Hadoop's local file system forks a {@code chmod} and a
 * {@code readlink} process for every file it creates or renames. A real-time query commits an
 * epoch every 100 ms, which writes an offset log file, a commit log file and each state store's
 * changelog; measured here that was about eight process launches per epoch, 250 ms of the epoch
 * coordinator's time and CPU the pipeline needed. For local paths of real-time queries this manager
 * writes with {@code java.nio} instead ({@link LocalCheckpointFiles}).
 *
 * <p>Everything else gets exactly what Spark would have chosen: with the switch off, or for any
 * non-local file system, calls go to Spark's own {@code FileContextBasedCheckpointFileManager}
 * (or its {@code FileSystem}-based fallback), so the plugin changes nothing there.
 */
public final class RealTimeCheckpointFileManager implements CheckpointFileManager {
  /** Spark's key ({@code SQLConf.STREAMING_CHECKPOINT_FILE_MANAGER_CLASS}), read from the Hadoop conf. */
  public static final String SPARK_KEY = "spark.sql.streaming.checkpointFileManagerClass";

  private final CheckpointFileManager delegate;

  public RealTimeCheckpointFileManager(Path path, Configuration hadoopConf) {
    this.delegate = choose(path, hadoopConf);
  }

  private static CheckpointFileManager choose(Path path, Configuration hadoopConf) {
    boolean realTime = hadoopConf.getBoolean(RtmOptions.REAL_TIME_MODE_ENABLED.key(), false);
    boolean nioWanted = hadoopConf.getBoolean(RtmOptions.CHECKPOINT_LOCAL_NIO.key(),
        RtmOptions.CHECKPOINT_LOCAL_NIO.defaultValue());
    if (realTime && nioWanted) {
      File local = localFile(path, hadoopConf);
      if (local != null) {
        return new LocalCheckpointFiles(local, path);
      }
    }
    return sparkDefault(path, hadoopConf);
  }

  /** The java.io view of {@code path} when it lives on Hadoop's local file system, else null. */
  private static File localFile(Path path, Configuration hadoopConf) {
    try {
      FileSystem fs = path.getFileSystem(hadoopConf);
      if (!(fs instanceof LocalFileSystem) && !(fs instanceof RawLocalFileSystem)) {
        return null;
      }
      return new File(fs.makeQualified(path).toUri());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve the file system of checkpoint path " + path, e);
    }
  }

  /** The same choice {@code CheckpointFileManager.create} makes when no class is configured. */
  private static CheckpointFileManager sparkDefault(Path path, Configuration hadoopConf) {
    try {
      return new FileContextBasedCheckpointFileManager(path, hadoopConf);
    } catch (Exception e) {
      // Scala constructors throw checked exceptions undeclared; FileContext reports an unknown scheme so.
      if (e instanceof org.apache.hadoop.fs.UnsupportedFileSystemException) {
        return new FileSystemBasedCheckpointFileManager(path, hadoopConf);
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("Cannot create the checkpoint file manager for " + path, e);
    }
  }

  /** Which implementation serves this path (for tests and logs). */
  public CheckpointFileManager delegate() {
    return delegate;
  }

  @Override
  public CheckpointFileManager.CancellableFSDataOutputStream createAtomic(Path path, boolean overwriteIfPossible) {
    return delegate.createAtomic(path, overwriteIfPossible);
  }

  @Override
  public FSDataInputStream open(Path path) {
    return delegate.open(path);
  }

  @Override
  public FileStatus[] list(Path path, PathFilter filter) {
    return delegate.list(path, filter);
  }

  @Override
  public FileStatus[] list(Path path) {
    return delegate.list(path);
  }

  @Override
  public void mkdirs(Path path) {
    delegate.mkdirs(path);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  @Override
  public void delete(Path path) {
    delegate.delete(path);
  }

  @Override
  public boolean isLocal() {
    return delegate.isLocal();
  }

  @Override
  public Path createCheckpointDirectory() {
    return delegate.createCheckpointDirectory();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
