package io.rtm.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checkpoint facts shared by the integration tests. */
final class RealTimeModeITSupport {
  private RealTimeModeITSupport() {}

  /** Epochs in the query's commit log. */
  static int committedEpochs(Path checkpoint) throws Exception {
    Path commits = checkpoint.resolve("commits");
    if (!Files.isDirectory(commits)) {
      return 0;
    }
    try (var files = Files.list(commits)) {
      return (int) files.filter(p -> p.getFileName().toString().matches("\\d+")).count();
    }
  }
}
