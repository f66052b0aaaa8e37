package io.rtm.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class FrameCodecTest {

  private static List<Frame> sampleFrames() {
    return List.of(
        new Frame.Subscribe(Frame.PROTOCOL_VERSION, "run-\u00e9-1", 3, 7, 11, 8),
        new Frame.Data(0, TestSupport.batch("a".getBytes(), new byte[0], "hello".getBytes())),
        new Frame.Data(1, Unpooled.buffer(0)),
        new Frame.Event(2, new EpochBarrier(42)),
        new Frame.Event(3, new WatermarkAdvance(-5)),
        new Frame.AddCredit(3),
        new Frame.EndOfPartition(4),
        new Frame.ErrorMessage("boom \u2603"),
        Frame.Heartbeat.INSTANCE);
  }

  /** Encodes the frames and returns the wire bytes as one buffer. */
  private static ByteBuf encode(List<Frame> frames) {
    EmbeddedChannel encoder = new EmbeddedChannel(FrameEncoder.INSTANCE);
    for (Frame f : frames) {
      encoder.writeOutbound(f);
    }
    ByteBuf wire = Unpooled.buffer();
    ByteBuf part;
    while ((part = encoder.readOutbound()) != null) {
      wire.writeBytes(part);
      part.release();
    }
    encoder.finishAndReleaseAll();
    return wire;
  }

  private static List<Frame> drain(EmbeddedChannel decoder) {
    List<Frame> out = new ArrayList<>();
    Frame f;
    while ((f = decoder.readInbound()) != null) {
      out.add(f);
    }
    return out;
  }

  private static void release(List<Frame> frames) {
    for (Frame f : frames) {
      if (f instanceof Frame.Data d) {
        d.payload().release();
      }
    }
  }

  @Test
  void everyFrameTypeRoundTrips() {
    List<Frame> expected = sampleFrames();
    ByteBuf wire = encode(sampleFrames());
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    decoder.writeInbound(wire);
    List<Frame> decoded = drain(decoder);

    // Record equality compares Data payloads by content (ByteBuf.equals).
    assertThat(decoded).containsExactlyElementsOf(expected);
    Frame.Data data = (Frame.Data) decoded.get(1);
    assertThat(data.payload().hasArray()).as("consumer needs an array-backed payload").isTrue();

    release(decoded);
    release(expected);
    assertThat(decoder.finishAndReleaseAll()).isFalse();
  }

  @Test
  void framesSplitAcrossReadsAreReassembled() {
    List<Frame> expected = sampleFrames();
    ByteBuf wire = encode(sampleFrames());
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    while (wire.isReadable()) {
      decoder.writeInbound(wire.readRetainedSlice(Math.min(3, wire.readableBytes())));
    }
    wire.release();
    List<Frame> decoded = drain(decoder);

    assertThat(decoded).containsExactlyElementsOf(expected);
    release(decoded);
    release(expected);
    decoder.finishAndReleaseAll();
  }

  @Test
  void unknownFrameTypeIsRejected() {
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    ByteBuf wire = Unpooled.buffer().writeInt(1).writeByte(99);
    assertThatThrownBy(() -> decoder.writeInbound(wire))
        .isInstanceOf(DecoderException.class)
        .hasMessageContaining("unknown frame type 99");
    decoder.finishAndReleaseAll();
  }

  @Test
  void garbageLengthIsRejectedBeforeBuffering() {
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    // What an HTTP client would send to the shuffle port.
    ByteBuf wire = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> decoder.writeInbound(wire))
        .isInstanceOf(DecoderException.class)
        .hasMessageContaining("invalid frame length");
    decoder.finishAndReleaseAll();
  }

  @Test
  void nonPositiveCreditIsRejected() {
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    ByteBuf wire =
        Unpooled.buffer().writeInt(5).writeByte(Frame.TYPE_ADD_CREDIT).writeInt(0);
    assertThatThrownBy(() -> decoder.writeInbound(wire))
        .isInstanceOf(DecoderException.class)
        .hasMessageContaining("non-positive credit");
    decoder.finishAndReleaseAll();
  }
}
