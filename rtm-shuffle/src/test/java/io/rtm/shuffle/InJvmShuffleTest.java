package io.rtm.shuffle;

/**
 * Every loopback case again with local channels on: producer and consumer share this JVM, so the
 * buffers go from queue to gate without a socket, under the same credits, barriers and failures.
 */
class InJvmShuffleTest extends LoopbackShuffleTest {

  @Override
  boolean localChannels() {
    return true;
  }
}
