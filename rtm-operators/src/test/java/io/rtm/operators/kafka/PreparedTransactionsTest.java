package io.rtm.operators.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedTransactionsTest {
  @TempDir
  Path checkpoint;

  @Test
  void recordsOneTransactionPerPartitionUntilCleared() throws Exception {
    PreparedTransactions p0 = new PreparedTransactions(checkpoint.toUri().toString(), 0, 0, new Configuration());
    PreparedTransactions p1 = new PreparedTransactions(checkpoint.toUri().toString(), 1, 0, new Configuration());
    assertThat(p0.read()).isEmpty();

    p0.write(new PreparedTransactions.Prepared(7, 1234L, (short) 3));
    p0.write(new PreparedTransactions.Prepared(8, 1234L, (short) 3));
    p1.write(new PreparedTransactions.Prepared(8, 99L, (short) 0));

    assertThat(p0.read()).contains(new PreparedTransactions.Prepared(8, 1234L, (short) 3));
    assertThat(new PreparedTransactions(checkpoint.toUri().toString(), 1, 0, new Configuration()).read())
        .contains(new PreparedTransactions.Prepared(8, 99L, (short) 0));
    p0.clear();
    assertThat(p0.read()).isEmpty();
    assertThat(p1.read()).isPresent();
  }

  @Test
  void eachSlotOfAPartitionHasItsOwnRecordAndSlotZeroKeepsTheSingleProducerName() throws Exception {
    PreparedTransactions slot0 = new PreparedTransactions(checkpoint.toUri().toString(), 3, 0, new Configuration());
    PreparedTransactions slot1 = new PreparedTransactions(checkpoint.toUri().toString(), 3, 1, new Configuration());

    slot0.write(new PreparedTransactions.Prepared(10, 5L, (short) 1));
    slot1.write(new PreparedTransactions.Prepared(11, 6L, (short) 1));

    assertThat(checkpoint.resolve("rtm/kafka-transactions/3")).isRegularFile();
    assertThat(checkpoint.resolve("rtm/kafka-transactions/3-1")).isRegularFile();
    assertThat(slot0.read()).contains(new PreparedTransactions.Prepared(10, 5L, (short) 1));
    assertThat(slot1.read()).contains(new PreparedTransactions.Prepared(11, 6L, (short) 1));
    slot1.clear();
    assertThat(slot1.read()).isEmpty();
    assertThat(slot0.read()).isPresent();
  }

  @Test
  void anEpochIsCommittedOnceSparksCommitLogHoldsIt() throws Exception {
    PreparedTransactions p = new PreparedTransactions(checkpoint.toUri().toString(), 0, 0, new Configuration());
    assertThat(p.committed(4)).isFalse();
    Files.createDirectories(checkpoint.resolve("commits"));
    Files.writeString(checkpoint.resolve("commits/4"), "v1\n{}");
    assertThat(p.committed(4)).isTrue();
    assertThat(p.committed(5)).isFalse();
  }
}
