package io.rtm.bench.child;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;

/**
 * When each epoch or batch committed, from the files appearing in the checkpoint's {@code
 * commits/} folder. Works the same for every Spark engine, unlike progress events, which
 * continuous execution does not post per epoch; and it sees every commit even though Spark purges
 * old log entries. Times are epoch milliseconds when the file appeared.
 */
public final class CommitLogWatcher implements AutoCloseable {
  /** One committed epoch: its id and when its commit log entry appeared. */
  public record Commit(long epoch, long atMs) {}

  private final WatchService watcher;
  private final List<Commit> commits = new ArrayList<>();
  private final Thread thread;

  private CommitLogWatcher(Path commitsDir) throws IOException {
    this.watcher = FileSystems.getDefault().newWatchService();
    commitsDir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
    this.thread = new Thread(this::watch, "commit-log-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  /** Watches {@code checkpoint/commits}, creating it first (Spark accepts an existing folder). */
  public static CommitLogWatcher watch(Path checkpoint) {
    try {
      Path dir = checkpoint.resolve("commits");
      Files.createDirectories(dir);
      return new CommitLogWatcher(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized List<Commit> commits() {
    return List.copyOf(commits);
  }

  public synchronized int count() {
    return commits.size();
  }

  @Override
  public void close() {
    try {
      watcher.close();
    } catch (IOException ignored) {
      // nothing left to watch
    }
  }

  private void watch() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        long now = System.currentTimeMillis();
        for (WatchEvent<?> event : key.pollEvents()) {
          // Spark writes ".N.<uuid>.tmp" and renames it to "N"; ".N.crc" files come along.
          String name = String.valueOf(event.context());
          if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
            synchronized (this) {
              commits.add(new Commit(Long.parseLong(name), now));
            }
          }
        }
        key.reset();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }
}
