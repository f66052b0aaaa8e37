package io.rtm.plugin.checkpoint;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;

/**
 * Writes to a hidden temporary file next to the target and publishes it on {@code close()}; on
 * {@code cancel()} the target is left untouched. Same naming as Spark's own temporary checkpoint
 * files ({@code .name.uuid.tmp}), so every listing filter Spark uses skips them.
 */
final class AtomicLocalFileOutputStream extends CheckpointFileManager.CancellableFSDataOutputStream {
  private final File temp;
  private final File target;
  private final boolean overwrite;
  private boolean terminated;

  private AtomicLocalFileOutputStream(OutputStream out, File temp, File target, boolean overwrite) {
    super(out);
    this.temp = temp;
    this.target = target;
    this.overwrite = overwrite;
  }

  static AtomicLocalFileOutputStream create(File target, boolean overwrite) throws IOException {
    if (!overwrite && target.exists()) {
      throw new FileAlreadyExistsException("Checkpoint file " + target + " already exists");
    }
    File temp = new File(target.getParentFile(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    return new AtomicLocalFileOutputStream(new FileOutputStream(temp), temp, target, overwrite);
  }

  @Override
  public synchronized void close() throws IOException {
    if (terminated) {
      return;
    }
    terminated = true;
    boolean published = false;
    try {
      super.close();
      // A checksum left by Hadoop's file system would not match the new bytes.
      Files.deleteIfExists(LocalCheckpointFiles.checksumOf(target).toPath());
      if (overwrite) {
        Files.move(temp.toPath(), target.toPath(), StandardCopyOption.ATOMIC_MOVE);
      } else {
        try {
          // link(2) fails atomically when the name exists, which rename(2) would silently replace.
          Files.createLink(target.toPath(), temp.toPath());
        } catch (java.nio.file.FileAlreadyExistsException e) {
          throw new FileAlreadyExistsException("Checkpoint file " + target + " already exists");
        }
        Files.delete(temp.toPath());
      }
      published = true;
    } finally {
      if (!published) {
        Files.deleteIfExists(temp.toPath());
      }
    }
  }

  @Override
  public synchronized void cancel() {
    if (terminated) {
      return;
    }
    terminated = true;
    try {
      super.close();
    } catch (IOException ignored) {
      // the file is discarded anyway
    }
    try {
      Files.deleteIfExists(temp.toPath());
    } catch (IOException ignored) {
      // a leftover hidden temporary file is skipped by every listing
    }
  }
}
