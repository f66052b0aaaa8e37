package io.rtm.bench.harness;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM (or any process) whose stdout and stderr go to one log file.
 *
 * <p>Every live child is killed by a shutdown hook, so a test JVM that exits abnormally (but is
 * not itself SIGKILLed) leaves no broker or Spark daemon behind on the shared machine.
 */
public final class ChildProcess implements AutoCloseable {
  private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(ChildProcess::kill), "rtm-child-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path logFile;

  private ChildProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /** Starts {@code command}; the log file is appended to, so restarts keep the earlier output. */
  public static ChildProcess start(
      String name, List<String> command, Map<String, String> env, Path workingDir, Path logFile) {
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workingDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().putAll(env);
      ChildProcess child = new ChildProcess(name, builder.start(), logFile);
      LIVE.add(child);
      child.process.onExit().thenRun(() -> LIVE.remove(child));
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  public Process process() {
    return process;
  }

  /** Sends a POSIX signal by name ("STOP", "CONT", "TERM", ...) through kill(1). */
  public void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed for " + name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Asks the process to exit (SIGTERM, after SIGCONT in case it is paused) and SIGKILLs it and its
   * descendants if it has not exited within {@code grace}.
   */
  public void stop(Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    List<ProcessHandle> descendants = process.descendants().toList();
    signalQuietly("CONT");
    process.destroy();
    if (!waitFor(process.toHandle(), grace)) {
      kill();
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /** SIGKILLs the process and every descendant (a Spark worker's executors), then waits. */
  public void kill() {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(process.toHandle());
    // Collected before the kill: once the parent dies its children are re-parented and lost.
    process.descendants().forEach(all::add);
    all.forEach(ProcessHandle::destroyForcibly);
    all.forEach(handle -> waitFor(handle, Duration.ofSeconds(30)));
  }

  @Override
  public void close() {
    kill();
  }

  /** The last {@code lines} lines of the log file, for error messages. */
  public String tail(int lines) {
    return tail(logFile, lines);
  }

  static String tail(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return "(no log at " + file + ")";
    }
    // Reads only the end of the file: broker logs of long benchmarks grow large.
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      long from = Math.max(0, length - 64L * 1024);
      byte[] bytes = new byte[(int) (length - from)];
      raf.seek(from);
      raf.readFully(bytes);
      String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
      int start = Math.max(0, all.length - lines);
      return String.join("\n", List.of(all).subList(start, all.length));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private void signalQuietly(String signal) {
    try {
      signal(signal);
    } catch (RuntimeException ignored) {
      // The process may have exited between the isAlive check and the signal.
    }
  }

  private static boolean waitFor(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return !handle.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    }
  }

  @Override
  public String toString() {
    return name + "(pid " + pid() + ", log " + logFile + ")";
  }
}
