package io.rtm.plugin.checkpoint;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;

/**
 * Checkpoint files on a local disk through {@code java.nio}: no process launches, no {@code .crc}
 * side files. Atomicity is the same as Hadoop's local file system gives Spark: a file is written
 * under a hidden temporary name in its directory and renamed into place ({@code rename(2)} for
 * overwrites, a hard link for create-if-absent, which fails atomically when the name exists).
 *
 * <p>Compatibility with stock Spark on the same checkpoint: Hadoop's {@code .name.crc} files are
 * hidden from listings as Hadoop hides them, and a file this class replaces or deletes loses its
 * stale checksum first, so stock Spark reading the checkpoint later never checks new bytes against
 * an old checksum (files without a checksum are accepted by Hadoop's local file system).
 */
final class LocalCheckpointFiles implements CheckpointFileManager {
  private static final long BLOCK_SIZE = 32L * 1024 * 1024;

  private final File root;
  private final Path qualifiedRoot;

  LocalCheckpointFiles(File root, Path path) {
    this.root = root;
    this.qualifiedRoot = toPath(root);
  }

  static File toFile(Path path) {
    java.net.URI uri = path.toUri();
    return uri.getScheme() == null ? new File(uri.getPath()) : new File(uri);
  }

  static Path toPath(File file) {
    return new Path(file.getAbsoluteFile().toURI());
  }

  static File checksumOf(File file) {
    return new File(file.getParentFile(), "." + file.getName() + ".crc");
  }

  private static boolean isChecksum(String name) {
    return name.startsWith(".") && name.endsWith(".crc");
  }

  @Override
  public CheckpointFileManager.CancellableFSDataOutputStream createAtomic(Path path, boolean overwriteIfPossible) {
    File target = toFile(path);
    try {
      Files.createDirectories(target.getParentFile().toPath());
      return AtomicLocalFileOutputStream.create(target, overwriteIfPossible);
    } catch (IOException e) {
      throw sneaky(e);
    }
  }

  @Override
  public FSDataInputStream open(Path path) {
    File file = toFile(path);
    try {
      return new FSDataInputStream(new LocalSeekableInputStream(file));
    } catch (FileNotFoundException e) {
      // Spark's metadata logs treat FileNotFoundException as "no such batch": it must keep its type.
      throw sneaky(e);
    }
  }

  @Override
  public FileStatus[] list(Path path, PathFilter filter) {
    File dir = toFile(path);
    if (!dir.exists()) {
      throw sneaky(new FileNotFoundException("File " + path + " does not exist"));
    }
    List<FileStatus> out = new ArrayList<>();
    try {
      if (!dir.isDirectory()) {
        FileStatus self = status(dir);
        return filter.accept(self.getPath()) ? new FileStatus[] {self} : new FileStatus[0];
      }
    } catch (IOException e) {
      throw sneaky(e);
    }
    try (DirectoryStream<java.nio.file.Path> children = Files.newDirectoryStream(dir.toPath())) {
      for (java.nio.file.Path child : children) {
        if (isChecksum(child.getFileName().toString())) {
          continue;
        }
        FileStatus status;
        try {
          status = status(child.toFile());
        } catch (NoSuchFileException vanished) {
          continue; // deleted while listing: absent, as a later listing would show
        }
        if (filter.accept(status.getPath())) {
          out.add(status);
        }
      }
    } catch (IOException e) {
      throw sneaky(e);
    }
    return out.toArray(new FileStatus[0]);
  }

  private static FileStatus status(File file) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(file.toPath(), BasicFileAttributes.class);
    return new FileStatus(attrs.size(), attrs.isDirectory(), 1, BLOCK_SIZE,
        attrs.lastModifiedTime().toMillis(), toPath(file));
  }

  @Override
  public void mkdirs(Path path) {
    try {
      Files.createDirectories(toFile(path).toPath());
    } catch (IOException e) {
      throw sneaky(e);
    }
  }

  @Override
  public boolean exists(Path path) {
    return toFile(path).exists();
  }

  @Override
  public void delete(Path path) {
    File file = toFile(path);
    try {
      if (file.isDirectory()) {
        try (Stream<java.nio.file.Path> walk = Files.walk(file.toPath())) {
          for (java.nio.file.Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      } else {
        Files.deleteIfExists(checksumOf(file).toPath());
        Files.deleteIfExists(file.toPath());
      }
    } catch (NoSuchFileException gone) {
      // already deleted: the contract asks for no error
    } catch (IOException e) {
      throw sneaky(e);
    }
  }

  @Override
  public boolean isLocal() {
    return true;
  }

  @Override
  public Path createCheckpointDirectory() {
    mkdirs(qualifiedRoot);
    return qualifiedRoot;
  }

  /**
   * Rethrows an I/O exception unchanged, as Spark's own (Scala) managers do: callers catch
   * {@code FileAlreadyExistsException} and {@code FileNotFoundException} by type.
   */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
