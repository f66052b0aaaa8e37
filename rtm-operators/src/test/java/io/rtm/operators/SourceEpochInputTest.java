package io.rtm.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SourceEpochInputTest {
  private static final StructType SCHEMA = new StructType().add("v", DataTypes.IntegerType);

  private static List<Integer> drain(Iterator<InternalRow> epoch) {
    List<Integer> out = new ArrayList<>();
    epoch.forEachRemaining(r -> out.add(r.getInt(0)));
    return out;
  }

  @Test
  void cutsTheStreamAtEpochMarkersAndReportsTheOffsetAfterEachEpochsLastRow() throws Exception {
    QueueReader reader = new QueueReader(100);
    RecordingCoordinator coordinator = new RecordingCoordinator(5);
    SourceEpochInput input = new SourceEpochInput(3, reader, SCHEMA, null, coordinator, 5, 16, 1);
    try {
      reader.feed.addAll(List.of(1, 2, 3));
      await().atMost(Duration.ofSeconds(5)).until(() -> input.queued() == 3);
      coordinator.epoch.set(6); // the driver moves on: epoch 5 ends after rows 1..3

      assertThat(drain(input.nextEpoch())).containsExactly(1, 2, 3);
      assertThat(input.lastEndedEpoch()).isEqualTo(5);
      assertThat(coordinator.offsets).containsExactly(
          new RecordingCoordinator.OffsetReport(3, 5, new QueueReader.Position(103)));

      // An epoch without rows still ends, and reports the unchanged offset.
      coordinator.epoch.set(7);
      assertThat(drain(input.nextEpoch())).isEmpty();
      assertThat(coordinator.offsets.get(1))
          .isEqualTo(new RecordingCoordinator.OffsetReport(3, 6, new QueueReader.Position(103)));
    } finally {
      input.close();
    }
    assertThat(reader.closed).isTrue();
  }

  @Test
  void rowsAreHandedOverAsTheyArriveWithoutWaitingForTheEpoch() throws Exception {
    QueueReader reader = new QueueReader(0);
    RecordingCoordinator coordinator = new RecordingCoordinator(0);
    SourceEpochInput input = new SourceEpochInput(0, reader, SCHEMA, null, coordinator, 0, 16, 1);
    try {
      Iterator<InternalRow> epoch = input.nextEpoch();
      reader.feed.add(42);
      // hasNext returns as soon as the row is there; the epoch (0) has not ended.
      assertThat(epoch.hasNext()).isTrue();
      assertThat(epoch.next().getInt(0)).isEqualTo(42);
      assertThat(coordinator.offsets).isEmpty();
    } finally {
      input.close();
    }
  }

  @Test
  void aFullQueueStopsTheReaderInsteadOfGrowing() throws Exception {
    QueueReader reader = new QueueReader(0);
    RecordingCoordinator coordinator = new RecordingCoordinator(0);
    SourceEpochInput input = new SourceEpochInput(0, reader, SCHEMA, null, coordinator, 0, 4, 1);
    try {
      for (int i = 0; i < 100; i++) {
        reader.feed.add(i);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> input.queued() == 4);
      // The reader took one more and waits to put it; the rest stays in the source.
      await().atMost(Duration.ofSeconds(5)).until(() -> reader.feed.size() == 95);
      assertThat(input.queued()).isEqualTo(4);
    } finally {
      input.close();
    }
  }
}
