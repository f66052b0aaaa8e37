package io.rtm.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a query's checkpoint the way Spark wrote it: commit log and offset log. */
final class CheckpointFiles {
  private CheckpointFiles() {}

  /** Kafka offsets (partition -> next offset) of the last committed epoch, empty before the first. */
  static Map<Integer, Long> lastCommittedKafkaOffsets(Path checkpoint) throws Exception {
    long last = -1;
    Path commits = checkpoint.resolve("commits");
    if (Files.isDirectory(commits)) {
      try (var files = Files.list(commits)) {
        last = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
            .mapToLong(Long::parseLong).max().orElse(-1);
      }
    }
    return last < 0 ? new HashMap<>() : kafkaOffsetsAt(checkpoint, last);
  }

  /** Kafka offsets (partition -> next offset) in the offset log entry of {@code epoch}. */
  static Map<Integer, Long> kafkaOffsetsAt(Path checkpoint, long epoch) throws Exception {
    Map<Integer, Long> offsets = new HashMap<>();
    List<String> lines = Files.readAllLines(checkpoint.resolve("offsets").resolve(Long.toString(epoch)));
    // Last line: {"topic":{"0":123,"1":456}}
    Matcher m = Pattern.compile("\"(\\d+)\":(\\d+)").matcher(lines.get(lines.size() - 1));
    while (m.find()) {
      offsets.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
    }
    return offsets;
  }
}
