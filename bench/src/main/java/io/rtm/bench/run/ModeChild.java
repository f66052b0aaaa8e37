package io.rtm.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtm.bench.child.ChildArgs;
import io.rtm.bench.child.ChildProtocol;
import io.rtm.bench.child.ModeProcess;
import io.rtm.bench.harness.JavaCommand;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A {@link ModeProcess} JVM seen from the benchmark: its protocol events as futures, its stderr
 * (Spark's log) in {@code child.log}. Children still alive when this JVM exits are killed.
 */
final class ModeChild implements AutoCloseable {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> LIVE.forEach(p -> {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }),
        "mode-child-reaper"));
  }

  private final Process process;
  private final Path log;
  private final Writer stdin;
  /** {@code ready}, or the {@code result} of a run that could not start. */
  private final CompletableFuture<JsonNode> started = new CompletableFuture<>();
  private final CompletableFuture<JsonNode> failed = new CompletableFuture<>();
  private final CompletableFuture<JsonNode> result = new CompletableFuture<>();

  private ModeChild(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
  }

  static ModeChild start(List<Path> classpath, List<String> jvmArgs, ChildArgs args, Path dir) {
    try {
      Files.createDirectories(dir);
      Path argFile = dir.resolve("child.args");
      List<String> lines = new ArrayList<>();
      jvmArgs.forEach(a -> lines.add(quote(a)));
      lines.add("-cp");
      lines.add(quote(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator))));
      lines.add(ModeProcess.class.getName());
      Files.write(argFile, lines, StandardCharsets.UTF_8);
      List<String> command = new ArrayList<>();
      command.add(JavaCommand.javaExecutable().toString());
      command.add("@" + argFile.toAbsolutePath());
      command.addAll(args.toArgs());
      Path log = dir.resolve("child.log");
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
      // Spark reads its bind address only from the environment.
      builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      ModeChild child = new ModeChild(builder.start(), log);
      LIVE.add(child.process);
      child.process.onExit().thenRun(() -> LIVE.remove(child.process));
      Thread reader = new Thread(() -> child.read(dir.resolve("child.out")), "mode-child-stdout");
      reader.setDaemon(true);
      reader.start();
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code ready} event, or the {@code result} when the mode could not start the workload. */
  JsonNode awaitStarted(Duration timeout) {
    return await(started, timeout, "start");
  }

  /** Completes with the {@code failed} event when the run dies before it is stopped. */
  CompletableFuture<JsonNode> failed() {
    return failed;
  }

  /** Asks the run to stop and returns its {@code result}. */
  JsonNode stop(Duration timeout) {
    if (!result.isDone()) {
      try {
        stdin.write(ChildProtocol.STOP + "\n");
        stdin.flush();
      } catch (IOException e) {
        // The child already exited; its result (or the reason it has none) is in the future.
      }
    }
    return await(result, timeout, "stop");
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void read(Path copy) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer file = Files.newBufferedWriter(copy, StandardCharsets.UTF_8)) {
      String line;
      while ((line = out.readLine()) != null) {
        file.write(line + "\n");
        file.flush();
        ChildProtocol.parse(line).ifPresent(this::dispatch);
      }
    } catch (IOException e) {
      // The pipe closed with the process; handled below.
    }
    int exit = waitForExit();
    IllegalStateException gone = new IllegalStateException(
        "mode JVM exited (" + exit + ") without a result; last lines of " + log + ":\n" + Logs.tail(log, 30));
    started.completeExceptionally(gone);
    result.completeExceptionally(gone);
  }

  private void dispatch(JsonNode event) {
    switch (event.path("event").asText()) {
      case ChildProtocol.READY -> started.complete(event);
      case ChildProtocol.FAILED -> failed.complete(event);
      case ChildProtocol.RESULT -> {
        started.complete(event);
        result.complete(event);
      }
      default -> { }
    }
  }

  private int waitForExit() {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private JsonNode await(CompletableFuture<JsonNode> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      close();
      throw new IllegalStateException("mode JVM did not " + what + " within " + timeout
          + "; last lines of " + log + ":\n" + Logs.tail(log, 30), e);
    } catch (ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Argfile quoting: double quotes, with backslash escapes for backslash and quote. */
  private static String quote(String arg) {
    return '"' + arg.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
