package io.rtm.operators.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.ContinuousStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;
import org.junit.jupiter.api.Test;

class ReconfigurationThrottleTest {
  private final AtomicLong nanos = new AtomicLong(-5_000_000_000L);

  @Test
  void asksFirstThenOncePerInterval() {
    ReconfigurationThrottle throttle = new ReconfigurationThrottle(1000, nanos::get);
    assertThat(throttle.due()).isTrue();
    advanceMs(100);
    assertThat(throttle.due()).isFalse();
    advanceMs(899);
    assertThat(throttle.due()).isFalse();
    advanceMs(1);
    assertThat(throttle.due()).isTrue();
    assertThat(throttle.due()).isFalse();
  }

  @Test
  void theStreamIsAskedOncePerIntervalAndItsYesPassesAtOnce() {
    CountingStream source = new CountingStream();
    ThrottledReconfigurationStream stream =
        new ThrottledReconfigurationStream(source, new ReconfigurationThrottle(1000, nanos::get));
    for (int epoch = 0; epoch < 10; epoch++) {
      assertThat(stream.needsReconfiguration()).isFalse();
      advanceMs(100);
    }
    // Ten epochs of 100 ms: asked at 0 ms and at 1000 ms only.
    assertThat(stream.needsReconfiguration()).isFalse();
    assertThat(source.asked).isEqualTo(2);
    source.answer = true;
    advanceMs(1000);
    assertThat(stream.needsReconfiguration()).isTrue();
    assertThat(source.asked).isEqualTo(3);
  }

  @Test
  void everythingElseIsTheSourcesOwn() {
    CountingStream source = new CountingStream();
    ContinuousStream stream = ThrottledReconfigurationStream.wrap(source, 1000);
    assertThat(stream.initialOffset()).isSameAs(CountingStream.OFFSET);
    assertThat(stream.deserializeOffset("{}")).isSameAs(CountingStream.OFFSET);
    assertThat(stream.mergeOffsets(new PartitionOffset[0])).isSameAs(CountingStream.OFFSET);
    assertThat(stream.planInputPartitions(CountingStream.OFFSET)).hasSize(2);
    stream.commit(CountingStream.OFFSET);
    stream.stop();
    assertThat(source.commits).isEqualTo(1);
    assertThat(source.stopped).isTrue();
    assertThat(stream).hasToString("counting source");
    assertThat(ThrottledReconfigurationStream.wrap(source, 0)).isSameAs(source);
  }

  @Test
  void anOffsetItMergedIsReadBackWithoutTheSourceParsingIt() {
    CountingStream source = new CountingStream();
    ContinuousStream stream = ThrottledReconfigurationStream.wrap(source, 1000);
    Offset offset = stream.mergeOffsets(new PartitionOffset[0]);
    assertThat(stream.deserializeOffset(offset.json())).isSameAs(offset);
    assertThat(source.deserialized).isZero();
    assertThat(stream.deserializeOffset("{\"other\":1}")).isSameAs(CountingStream.OFFSET);
    assertThat(source.deserialized).isEqualTo(1);
  }

  private void advanceMs(long ms) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  /** A source that counts what it was asked. */
  private static final class CountingStream implements ContinuousStream {
    static final Offset OFFSET = new Offset() {
      @Override
      public String json() {
        return "{}";
      }
    };

    int asked;
    boolean answer;
    int commits;
    int deserialized;
    boolean stopped;

    @Override
    public boolean needsReconfiguration() {
      asked++;
      return answer;
    }

    @Override
    public InputPartition[] planInputPartitions(Offset start) {
      return new InputPartition[] {new InputPartition() {}, new InputPartition() {}};
    }

    @Override
    public ContinuousPartitionReaderFactory createContinuousReaderFactory() {
      throw new UnsupportedOperationException("not read in this test");
    }

    @Override
    public Offset mergeOffsets(PartitionOffset[] offsets) {
      return OFFSET;
    }

    @Override
    public Offset initialOffset() {
      return OFFSET;
    }

    @Override
    public Offset deserializeOffset(String json) {
      deserialized++;
      return OFFSET;
    }

    @Override
    public void commit(Offset end) {
      commits++;
    }

    @Override
    public void stop() {
      stopped = true;
    }

    @Override
    public String toString() {
      return "counting source";
    }
  }
}
