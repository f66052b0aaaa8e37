package io.rtm.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class PollingSourceEpochInputTest {
  private static final StructType SCHEMA = new StructType().add("v", DataTypes.IntegerType);

  private static PollingSourceEpochInput input(QueueReader reader, RecordingCoordinator coordinator, long startEpoch) {
    return new PollingSourceEpochInput(
        3, reader, SCHEMA, null, coordinator, "run-" + java.util.UUID.randomUUID(), startEpoch, 1);
  }

  private static List<Integer> drain(Iterator<InternalRow> epoch) {
    List<Integer> out = new ArrayList<>();
    epoch.forEachRemaining(r -> out.add(r.getInt(0)));
    return out;
  }

  @Test
  void rowsReadBeforeTheDriverMovesOnBelongToTheEndedEpochAndItsOffsetIsReported() throws Exception {
    QueueReader reader = new QueueReader(100);
    RecordingCoordinator coordinator = new RecordingCoordinator(5);
    try (PollingSourceEpochInput input = input(reader, coordinator, 5)) {
      reader.feed.addAll(List.of(1, 2, 3));
      Iterator<InternalRow> epoch5 = input.nextEpoch();
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        assertThat(epoch5.hasNext()).isTrue();
        rows.add(epoch5.next().getInt(0));
      }
      coordinator.epoch.set(6); // the driver moves on while no row is waiting: epoch 5 ends after 1..3

      assertThat(drain(epoch5)).isEmpty();
      assertThat(rows).containsExactly(1, 2, 3);
      assertThat(input.lastEndedEpoch()).isEqualTo(5);
      assertThat(coordinator.offsets).containsExactly(
          new RecordingCoordinator.OffsetReport(3, 5, new QueueReader.Position(103)));

      // An idle epoch still ends (the timed poll returns), reporting the unchanged offset.
      coordinator.epoch.set(7);
      assertThat(drain(input.nextEpoch())).isEmpty();
      assertThat(coordinator.offsets.get(1))
          .isEqualTo(new RecordingCoordinator.OffsetReport(3, 6, new QueueReader.Position(103)));
    }
    assertThat(reader.closed).isTrue();
  }

  @Test
  void aRowIsHandedOutAsItArrivesWithoutWaitingForTheEpoch() throws Exception {
    QueueReader reader = new QueueReader(0);
    RecordingCoordinator coordinator = new RecordingCoordinator(0);
    try (PollingSourceEpochInput input = input(reader, coordinator, 0)) {
      Iterator<InternalRow> epoch = input.nextEpoch();
      reader.feed.add(42);
      assertThat(epoch.hasNext()).isTrue();
      assertThat(epoch.next().getInt(0)).isEqualTo(42);
      assertThat(coordinator.offsets).isEmpty();
    }
  }

  @Test
  void theDriverMovingSeveralEpochsAheadEndsEachOfThemInOrder() throws Exception {
    QueueReader reader = new QueueReader(0);
    RecordingCoordinator coordinator = new RecordingCoordinator(0);
    try (PollingSourceEpochInput input = input(reader, coordinator, 0)) {
      coordinator.epoch.set(3);
      for (int e = 0; e < 3; e++) {
        assertThat(drain(input.nextEpoch())).isEmpty();
      }
      assertThat(coordinator.offsets).extracting(RecordingCoordinator.OffsetReport::epoch).containsExactly(0L, 1L, 2L);
    }
  }

  @Test
  void aSourceFailureNamesThePartition() throws Exception {
    QueueReader reader = new QueueReader(0);
    reader.failure = new IllegalArgumentException("broker gone");
    try (PollingSourceEpochInput input = input(reader, new RecordingCoordinator(0), 0)) {
      Iterator<InternalRow> epoch = input.nextEpoch();
      assertThatThrownBy(epoch::hasNext)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("source partition 3")
          .hasRootCauseMessage("broker gone");
    }
  }
}
