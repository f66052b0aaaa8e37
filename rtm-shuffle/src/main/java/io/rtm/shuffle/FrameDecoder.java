package io.rtm.shuffle;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Parses length-prefixed {@link Frame}s.
 *
 * <p>DATA payloads are copied once, out of the (usually direct) socket buffer into a pooled heap
 * buffer of exactly the payload's size. The copy is unavoidable for a byte[] view and doing it
 * here means the consumer task thread gets a compact, array-backed buffer it can slice records
 * from without touching Netty's cumulation buffer.
 */
final class FrameDecoder extends ByteToMessageDecoder {

  /**
   * Rejects absurd lengths early: they mean something other than an rtm shuffle peer is talking
   * to us, or the stream is corrupt, and buffering them would exhaust memory.
   */
  static final int MAX_FRAME_BYTES = 1 << 30;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    try {
      decodeFrames(ctx, in, out);
    } catch (CorruptedFrameException e) {
      // Nothing after a corrupt frame can be trusted; dropping it keeps the close path from
      // decoding (and reporting) the same garbage again.
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  private static void decodeFrames(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.readableBytes() >= 4) {
      int length = in.getInt(in.readerIndex());
      if (length < 1 || length > MAX_FRAME_BYTES) {
        throw new CorruptedFrameException(
            "invalid frame length " + length + "; the peer is not an rtm shuffle endpoint of a"
                + " compatible version, or the stream is corrupt");
      }
      if (in.readableBytes() < 4 + length) {
        return;
      }
      in.skipBytes(4);
      int end = in.readerIndex() + length;
      byte type = in.readByte();
      out.add(decodeBody(ctx, type, in, end - in.readerIndex()));
      if (in.readerIndex() != end) {
        throw new CorruptedFrameException(
            "frame of type " + type + " has " + (end - in.readerIndex()) + " trailing bytes");
      }
    }
  }

  private static Frame decodeBody(ChannelHandlerContext ctx, byte type, ByteBuf in, int length) {
    switch (type) {
      case Frame.TYPE_DATA: {
        require(type, length, 8);
        long seq = in.readLong();
        int size = length - 8;
        ByteBuf payload = ctx.alloc().heapBuffer(size, size);
        if (!payload.hasArray()) {
          // Only an exotic allocator would do this; the consumer's zero-copy view needs an array.
          payload.release();
          payload = io.netty.buffer.Unpooled.buffer(size, size);
        }
        payload.writeBytes(in, size);
        return new Frame.Data(seq, payload);
      }
      case Frame.TYPE_EVENT: {
        requireExactly(type, length, 8 + 1 + 8);
        long seq = in.readLong();
        byte kind = in.readByte();
        long value = in.readLong();
        ShuffleEvent event =
            switch (kind) {
              case Frame.EVENT_EPOCH_BARRIER -> {
                if (value < 0) {
                  throw new CorruptedFrameException("negative epoch barrier id " + value);
                }
                yield new EpochBarrier(value);
              }
              case Frame.EVENT_WATERMARK -> new WatermarkAdvance(value);
              default -> throw new CorruptedFrameException("unknown event kind " + kind);
            };
        return new Frame.Event(seq, event);
      }
      case Frame.TYPE_SUBSCRIBE: {
        require(type, length, 4 * 6);
        int version = in.readInt();
        int stageId = in.readInt();
        int mapIndex = in.readInt();
        int subpartition = in.readInt();
        int credit = in.readInt();
        int runLength = in.readInt();
        requireExactly(type, length, 4 * 6 + runLength);
        String run = in.readCharSequence(runLength, StandardCharsets.UTF_8).toString();
        return new Frame.Subscribe(version, run, stageId, mapIndex, subpartition, credit);
      }
      case Frame.TYPE_ADD_CREDIT: {
        requireExactly(type, length, 4);
        int credit = in.readInt();
        if (credit <= 0) {
          throw new CorruptedFrameException("non-positive credit " + credit);
        }
        return new Frame.AddCredit(credit);
      }
      case Frame.TYPE_END_OF_PARTITION: {
        requireExactly(type, length, 8);
        return new Frame.EndOfPartition(in.readLong());
      }
      case Frame.TYPE_ERROR:
        return new Frame.ErrorMessage(
            in.readCharSequence(length, StandardCharsets.UTF_8).toString());
      case Frame.TYPE_HEARTBEAT:
        requireExactly(type, length, 0);
        return Frame.Heartbeat.INSTANCE;
      default:
        throw new CorruptedFrameException(
            "unknown frame type " + type + "; the peer is not an rtm shuffle endpoint of a"
                + " compatible version");
    }
  }

  private static void require(byte type, int length, int min) {
    if (length < min) {
      throw new CorruptedFrameException(
          "frame of type " + type + " too short: " + length + " < " + min + " bytes");
    }
  }

  private static void requireExactly(byte type, int length, int expected) {
    if (length != expected) {
      throw new CorruptedFrameException(
          "frame of type " + type + " has " + length + " bytes, expected " + expected);
    }
  }
}
