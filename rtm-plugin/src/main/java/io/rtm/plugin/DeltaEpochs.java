package io.rtm.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The last epoch a real-time query committed to a Delta table, read from the table's own log:
 * every epoch commit carries {@code txn(appId = query id, version = epoch)} (Delta's streaming
 * write and the plugin's upsert MERGE alike), written in the same atomic commit as the data.
 *
 * <p>It is read from the newest commit files ({@code _delta_log/<version>.json}, the Delta protocol's
 * format, not a Delta API), newest first, stopping at the first that carries the query's txn:
 * the epoch in question is always among the last commits. A query whose txn is not among the
 * newest {@link #COMMITS_SCANNED} commits (other writers wrote that many since) reads as unknown.
 */
final class DeltaEpochs {
  static final int COMMITS_SCANNED = 100;
  private static final Pattern COMMIT_FILE = Pattern.compile("\\d{20}\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeltaEpochs() {}

  /** The query's last epoch in the table at {@code tablePath}, empty when none is found. */
  static OptionalLong lastEpoch(String tablePath, String appId, Configuration hadoopConf) {
    Path log = new Path(tablePath, "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(hadoopConf);
      if (!fs.exists(log)) {
        return OptionalLong.empty();
      }
      FileStatus[] commits = fs.listStatus(log, p -> COMMIT_FILE.matcher(p.getName()).matches());
      Arrays.sort(commits, Comparator.comparing((FileStatus f) -> f.getPath().getName()).reversed());
      for (int i = 0; i < Math.min(commits.length, COMMITS_SCANNED); i++) {
        OptionalLong version = txnVersion(fs, commits[i].getPath(), appId);
        if (version.isPresent()) {
          return version;
        }
      }
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Delta log at " + log, e);
    }
  }

  private static OptionalLong txnVersion(FileSystem fs, Path commit, String appId) throws IOException {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(fs.open(commit), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!line.contains("\"txn\"")) {
          continue;
        }
        JsonNode txn = JSON.readTree(line).get("txn");
        if (txn != null && appId.equals(txn.path("appId").asText()) && txn.has("version")) {
          return OptionalLong.of(txn.get("version").asLong());
        }
      }
    }
    return OptionalLong.empty();
  }
}
