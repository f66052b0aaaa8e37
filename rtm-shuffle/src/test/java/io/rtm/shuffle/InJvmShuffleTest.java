package io.rtm.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

/**
 * Every loopback case again with local channels on: producer and consumer share this JVM, so the
 * buffers go from queue to gate without a socket, under the same credits, barriers and failures.
 */
class InJvmShuffleTest extends LoopbackShuffleTest {

  @Override
  boolean localChannels() {
    return true;
  }

  /**
   * Producers allocate from Netty's default allocator; where it hands out direct buffers (as here),
   * every case above also passes through the local channel's copy onto the heap, which the gate's
   * array-backed record view needs.
   */
  @Test
  void producerBuffersAreDirectSoTheCasesAboveCoverTheCopyOntoTheHeap() {
    ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(16);
    try {
      assertThat(buffer.hasArray()).isFalse();
    } finally {
      buffer.release();
    }
  }
}
