package io.rtm.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.junit.jupiter.api.Test;

class EpochRowsCursorTest {
  /** An input double whose epochs are given up front. */
  static final class ScriptedInput implements EpochInput {
    final Deque<List<Integer>> epochs = new ArrayDeque<>();
    long lastEnded = -1;
    int opened;
    boolean closed;

    ScriptedInput(List<List<Integer>> epochs) {
      this.epochs.addAll(epochs);
    }

    @Override
    public Iterator<InternalRow> nextEpoch() {
      opened++;
      Iterator<Integer> values = epochs.poll().iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          if (values.hasNext()) {
            return true;
          }
          lastEnded = opened - 1;
          return false;
        }

        @Override
        public InternalRow next() {
          return new GenericInternalRow(new Object[] {values.next()});
        }
      };
    }

    @Override
    public long lastEndedEpoch() {
      return lastEnded;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static int drain(Iterator<InternalRow> rows, List<Integer> into) {
    int n = 0;
    while (rows.hasNext()) {
      into.add(rows.next().getInt(0));
      n++;
    }
    return n;
  }

  @Test
  void oneIteratorServesEveryEpochAndStaysEndedUntilTheTaskAdvances() throws Exception {
    ScriptedInput input = new ScriptedInput(List.of(List.of(1, 2), List.of(), List.of(3)));
    EpochRowsCursor cursor = new EpochRowsCursor(input);
    Iterator<InternalRow> rows = cursor.nextEpoch();
    assertThat(rows.hasNext()).as("nothing before the first advance").isFalse();

    java.util.List<Integer> seen = new java.util.ArrayList<>();
    cursor.advance();
    assertThat(drain(rows, seen)).isEqualTo(2);
    // an operator asking again after the end must not reach into the next epoch
    assertThat(rows.hasNext()).isFalse();
    assertThat(input.opened).isEqualTo(1);
    assertThatThrownBy(rows::next).isInstanceOf(NoSuchElementException.class);
    assertThat(cursor.lastEndedEpoch()).isEqualTo(0);

    cursor.advance();
    assertThat(drain(rows, seen)).isZero();
    assertThat(cursor.lastEndedEpoch()).isEqualTo(1);

    cursor.advance();
    assertThat(cursor.nextEpoch()).isSameAs(rows);
    drain(rows, seen);
    assertThat(seen).containsExactly(1, 2, 3);
    cursor.close();
    assertThat(input.closed).isTrue();
  }
}
