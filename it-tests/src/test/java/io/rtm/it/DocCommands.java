package io.rtm.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shell commands the docs tell a user to run, as DocsCommandsIT checks them: every line of a
 * fenced block that is not tagged as program code (java, python, ...), every line of an indented
 * block and every inline code span that starts like a command ({@code ./demo.sh},
 * {@code bench/run-benchmark.sh ...}, {@code mvn ...}, {@code VAR=1 command}). A line ending in
 * a backslash continues on the next; a {@code #} after a blank starts a comment. A bare tool name
 * in prose ({@code spark-submit}) names the tool and is no command.
 */
final class DocCommands {
  /** A command and the doc it is in. */
  record DocCommand(String file, String command) {}

  private static final Pattern STARTS_LIKE_A_COMMAND = Pattern.compile(
      "^(?:[A-Z_]+=\\S*\\s+)*(?:\\(cd\\s|\\./\\S+|\\.ci/run|bench/\\S+\\.sh|python/\\S+\\.sh|python/\\.venv/\\S+"
          + "|notebooks/\\S+\\.py|mvn|spark-submit|flock|export|python3?|java|pytest|kubectl|curl)(?:\\s|$)");
  private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)\\s*(\\w*)");
  private static final Pattern INLINE = Pattern.compile("`([^`]+)`");
  private static final Pattern COMMENT = Pattern.compile("(^|\\s)#.*$");
  private static final List<String> PROGRAM_CODE =
      List.of("java", "python", "scala", "sql", "json", "yaml", "properties", "xml", "text");

  private DocCommands() {}

  /** The docs a user reads: README.md, docs/*.md, python/README.md and notebooks/README.md. */
  static List<Path> docs(Path root) {
    List<Path> docs = new ArrayList<>();
    docs.add(root.resolve("README.md"));
    try (Stream<Path> files = Files.list(root.resolve("docs"))) {
      files.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(docs::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    docs.add(root.resolve("python/README.md"));
    docs.add(root.resolve("notebooks/README.md"));
    return docs;
  }

  static List<DocCommand> in(Path root) {
    List<DocCommand> out = new ArrayList<>();
    for (Path doc : docs(root)) {
      String name = root.relativize(doc).toString();
      try {
        out.addAll(parse(name, Files.readString(doc, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  static List<DocCommand> parse(String file, String markdown) {
    List<DocCommand> out = new ArrayList<>();
    List<String> paragraph = new ArrayList<>();
    String fence = null;
    boolean program = false;
    String continued = "";
    boolean previousBlank = true;
    boolean inIndented = false;
    for (String line : markdown.split("\n", -1)) {
      if (fence != null) {
        if (line.strip().startsWith(fence)) {
          fence = null;
          continue;
        }
        if (program) {
          continue;
        }
        String l = continued.isEmpty() ? line.strip() : continued + " " + line.strip();
        if (l.endsWith("\\")) {
          continued = l.substring(0, l.length() - 1).strip();
          continue;
        }
        continued = "";
        add(out, file, COMMENT.matcher(l).replaceAll(""));
        continue;
      }
      Matcher f = FENCE.matcher(line);
      if (f.find()) {
        inline(out, file, paragraph);
        fence = f.group(1);
        program = PROGRAM_CODE.contains(f.group(2).toLowerCase(java.util.Locale.ROOT));
        continue;
      }
      if (line.startsWith("    ") && (previousBlank || inIndented) && isCommand(line.strip())) {
        inline(out, file, paragraph);
        inIndented = true;
        previousBlank = false;
        add(out, file, COMMENT.matcher(line.strip()).replaceAll(""));
        continue;
      }
      inIndented = false;
      if (line.isBlank()) {
        inline(out, file, paragraph);
        previousBlank = true;
        continue;
      }
      previousBlank = false;
      paragraph.add(line);
    }
    inline(out, file, paragraph);
    return out;
  }

  static String normalize(String command) {
    return String.join(" ", command.strip().split("\\s+"));
  }

  private static boolean isCommand(String text) {
    String c = normalize(text);
    // A lone tool name in prose names the tool; a lone script path is a command (it runs as is).
    return STARTS_LIKE_A_COMMAND.matcher(c).find() && (c.contains(" ") || c.contains("/"));
  }

  private static void inline(List<DocCommand> out, String file, List<String> paragraph) {
    Matcher m = INLINE.matcher(String.join(" ", paragraph));
    while (m.find()) {
      if (isCommand(m.group(1))) {
        out.add(new DocCommand(file, normalize(m.group(1))));
      }
    }
    paragraph.clear();
  }

  private static void add(List<DocCommand> out, String file, String line) {
    if (!line.isBlank()) {
      out.add(new DocCommand(file, normalize(line)));
    }
  }
}
