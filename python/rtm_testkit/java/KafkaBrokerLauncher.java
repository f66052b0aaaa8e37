import io.rtm.bench.harness.KafkaBroker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Starts the bench harness's single-node KRaft broker for Python tests and notebooks.
 *
 * <p>Run in source-file mode, no build step: {@code java -cp <bench jar>:<spark runtime jars>
 * KafkaBrokerLauncher.java <work dir>}. Prints {@code BOOTSTRAP 127.0.0.1:<port>} once the broker
 * serves, then reads commands from standard input, one a line:
 *
 * <ul>
 *   <li>{@code topic <name> <partitions>}: creates the topic and waits for its leaders, answers {@code OK}
 *       or {@code ERROR <message>};
 *   <li>{@code stop}, or standard input closing (the parent died): stops the broker and exits.
 * </ul>
 */
public class KafkaBrokerLauncher {
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: KafkaBrokerLauncher <work dir>");
      System.exit(2);
    }
    KafkaBroker broker = KafkaBroker.start(Path.of(args[0]));
    System.out.println("BOOTSTRAP " + broker.bootstrapServers());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try {
      String line;
      while ((line = in.readLine()) != null) {
        String[] words = line.trim().split("\\s+");
        if (words[0].equals("stop")) {
          break;
        } else if (words[0].equals("topic") && words.length == 3) {
          try {
            broker.createTopic(words[1], Integer.parseInt(words[2]));
            System.out.println("OK");
          } catch (RuntimeException e) {
            System.out.println("ERROR " + String.valueOf(e.getMessage()).replace('\n', ' '));
          }
        } else if (!words[0].isEmpty()) {
          System.out.println("ERROR unknown command: " + line);
        }
        System.out.flush();
      }
    } finally {
      broker.close();
    }
    System.exit(0);
  }
}
