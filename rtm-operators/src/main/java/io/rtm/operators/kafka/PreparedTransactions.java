package io.rtm.operators.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The exactly-once Kafka sink's own record in the query checkpoint: per sink partition and
 * transaction slot (one transactional producer each), the one transaction that was flushed and
 * reported for an epoch but may not be committed in Kafka yet
 * ({@code <checkpoint>/rtm/kafka-transactions/<partition>} for slot 0, the name checkpoints of
 * single-producer sinks used, {@code <partition>-<slot>} for the others), and the commit log Spark
 * writes ({@code <checkpoint>/commits/<epoch>}), which decides whether that transaction commits.
 */
final class PreparedTransactions {
  /** A transaction of {@code epoch}, open in Kafka under this producer id and epoch. */
  record Prepared(long epoch, long producerId, short producerEpoch) {}

  private final FileSystem fs;
  private final Path file;
  private final Path tmp;
  private final Path commits;

  PreparedTransactions(String checkpointRoot, int partition, int slot, Configuration conf) throws IOException {
    Path root = new Path(checkpointRoot);
    this.fs = root.getFileSystem(conf);
    Path dir = new Path(root, "rtm/kafka-transactions");
    String name = slot == 0 ? Integer.toString(partition) : partition + "-" + slot;
    this.file = new Path(dir, name);
    this.tmp = new Path(dir, "." + name + ".tmp");
    this.commits = new Path(root, "commits");
    fs.mkdirs(dir);
  }

  /** Whether Spark's commit log holds {@code epoch} (written with an atomic rename). */
  boolean committed(long epoch) throws IOException {
    return fs.exists(new Path(commits, Long.toString(epoch)));
  }

  Optional<Prepared> read() throws IOException {
    if (!fs.exists(file)) {
      return Optional.empty();
    }
    try (InputStream in = fs.open(file)) {
      String[] f = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(",");
      if (f.length != 3) {
        return Optional.empty();
      }
      return Optional.of(new Prepared(Long.parseLong(f[0]), Long.parseLong(f[1]), Short.parseShort(f[2])));
    }
  }

  /** Records the transaction before the epoch is reported: a restart must find it. */
  void write(Prepared p) throws IOException {
    try (OutputStream out = fs.create(tmp, true)) {
      out.write((p.epoch() + "," + p.producerId() + "," + p.producerEpoch()).getBytes(StandardCharsets.UTF_8));
    }
    // rename does not replace on every file system: delete first; a crash in between leaves no
    // record, which is only wrong if the epoch then commits, and it cannot: it was not reported yet.
    fs.delete(file, false);
    if (!fs.rename(tmp, file)) {
      throw new IOException("could not rename " + tmp + " to " + file);
    }
  }

  /** The transaction is committed in Kafka: nothing left to finish after a restart. */
  void clear() throws IOException {
    fs.delete(file, false);
  }
}
