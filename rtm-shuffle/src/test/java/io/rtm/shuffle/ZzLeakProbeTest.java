package io.rtm.shuffle;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class ZzLeakProbeTest {
  @Test
  void leak() {
    ByteBufAllocator.DEFAULT.heapBuffer(100).writeInt(1);
  }
}
