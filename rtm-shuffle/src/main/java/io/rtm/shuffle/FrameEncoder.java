package io.rtm.shuffle;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Serializes {@link Frame}s. DATA payloads are not copied: the header and the payload buffer are
 * written as two buffers that the socket gathers into one write.
 */
@ChannelHandler.Sharable
final class FrameEncoder extends MessageToMessageEncoder<Frame> {

  static final FrameEncoder INSTANCE = new FrameEncoder();

  /** Error messages are diagnostics, not data; cap them so a huge stack cannot bloat a frame. */
  static final int MAX_ERROR_CHARS = 16 * 1024;

  private FrameEncoder() {
    super(Frame.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
    // Java 17 has no pattern switch; the instanceof chain is ordered by frequency.
    if (frame instanceof Frame.Data d) {
      ByteBuf header = ctx.alloc().buffer(4 + 1 + 8);
      header.writeInt(1 + 8 + d.payload().readableBytes());
      header.writeByte(Frame.TYPE_DATA);
      header.writeLong(d.seq());
      out.add(header);
      // Ownership of the payload moves to the pipeline, which releases it once written.
      out.add(d.payload());
    } else if (frame instanceof Frame.Event e) {
      ByteBuf b = ctx.alloc().buffer(4 + 1 + 8 + 1 + 8);
      b.writeInt(1 + 8 + 1 + 8);
      b.writeByte(Frame.TYPE_EVENT);
      b.writeLong(e.seq());
      if (e.event() instanceof EpochBarrier barrier) {
        b.writeByte(Frame.EVENT_EPOCH_BARRIER);
        b.writeLong(barrier.epochId());
      } else {
        b.writeByte(Frame.EVENT_WATERMARK);
        b.writeLong(((WatermarkAdvance) e.event()).timestampMs());
      }
      out.add(b);
    } else if (frame instanceof Frame.AddCredit c) {
      ByteBuf b = ctx.alloc().buffer(4 + 1 + 4);
      b.writeInt(1 + 4);
      b.writeByte(Frame.TYPE_ADD_CREDIT);
      b.writeInt(c.credit());
      out.add(b);
    } else if (frame instanceof Frame.Heartbeat) {
      ByteBuf b = ctx.alloc().buffer(4 + 1);
      b.writeInt(1);
      b.writeByte(Frame.TYPE_HEARTBEAT);
      out.add(b);
    } else if (frame instanceof Frame.Subscribe s) {
      byte[] run = s.queryRunId().getBytes(StandardCharsets.UTF_8);
      int bodyLength = 1 + 4 * 6 + run.length;
      ByteBuf b = ctx.alloc().buffer(4 + bodyLength);
      b.writeInt(bodyLength);
      b.writeByte(Frame.TYPE_SUBSCRIBE);
      b.writeInt(s.protocolVersion());
      b.writeInt(s.stageId());
      b.writeInt(s.mapIndex());
      b.writeInt(s.subpartition());
      b.writeInt(s.initialCredit());
      b.writeInt(run.length);
      b.writeBytes(run);
      out.add(b);
    } else if (frame instanceof Frame.EndOfPartition eop) {
      ByteBuf b = ctx.alloc().buffer(4 + 1 + 8);
      b.writeInt(1 + 8);
      b.writeByte(Frame.TYPE_END_OF_PARTITION);
      b.writeLong(eop.seq());
      out.add(b);
    } else if (frame instanceof Frame.ErrorMessage err) {
      String msg = err.message() == null ? "" : err.message();
      if (msg.length() > MAX_ERROR_CHARS) {
        msg = msg.substring(0, MAX_ERROR_CHARS) + "...";
      }
      byte[] text = msg.getBytes(StandardCharsets.UTF_8);
      ByteBuf b = ctx.alloc().buffer(4 + 1 + text.length);
      b.writeInt(1 + text.length);
      b.writeByte(Frame.TYPE_ERROR);
      b.writeBytes(text);
      out.add(b);
    } else {
      throw new IllegalArgumentException("unknown frame " + frame);
    }
  }
}
