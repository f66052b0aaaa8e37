package io.rtm.plugin.checkpoint;

import java.io.EOFException;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import org.apache.hadoop.fs.PositionedReadable;
import org.apache.hadoop.fs.Seekable;

/** A local file as the seekable, positioned stream {@code FSDataInputStream} requires. */
final class LocalSeekableInputStream extends InputStream implements Seekable, PositionedReadable {
  private final RandomAccessFile file;

  LocalSeekableInputStream(File path) throws FileNotFoundException {
    if (!path.isFile()) {
      throw new FileNotFoundException("File " + path + " does not exist");
    }
    this.file = new RandomAccessFile(path, "r");
  }

  @Override
  public int read() throws IOException {
    return file.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return file.read(b, off, len);
  }

  @Override
  public long skip(long n) throws IOException {
    long target = Math.min(file.length(), file.getFilePointer() + Math.max(0, n));
    long skipped = target - file.getFilePointer();
    file.seek(target);
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(Integer.MAX_VALUE, file.length() - file.getFilePointer());
  }

  @Override
  public void close() throws IOException {
    file.close();
  }

  @Override
  public void seek(long pos) throws IOException {
    file.seek(pos);
  }

  @Override
  public long getPos() throws IOException {
    return file.getFilePointer();
  }

  @Override
  public boolean seekToNewSource(long targetPos) {
    return false;
  }

  @Override
  public int read(long position, byte[] buffer, int offset, int length) throws IOException {
    return file.getChannel().read(java.nio.ByteBuffer.wrap(buffer, offset, length), position);
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    int done = 0;
    while (done < length) {
      int n = read(position + done, buffer, offset + done, length - done);
      if (n < 0) {
        throw new EOFException("End of file " + " reached after " + done + " of " + length + " bytes");
      }
      done += n;
    }
  }

  @Override
  public void readFully(long position, byte[] buffer) throws IOException {
    readFully(position, buffer, 0, buffer.length);
  }
}
