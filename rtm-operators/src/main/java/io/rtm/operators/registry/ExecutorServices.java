package io.rtm.operators.registry;

import io.rtm.operators.metrics.EpochStats;
import io.rtm.operators.metrics.ExecutorMetrics;
import io.rtm.shuffle.ProducerAddress;
import io.rtm.shuffle.ShuffleServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.plugin.PluginContext;

/**
 * What the plugin's executor side gives the tasks of its JVM: the shuffle server and the way to the
 * driver's producer registry. Set once by the executor plugin at executor start.
 */
public final class ExecutorServices {
  private static volatile ExecutorServices instance;

  private final ShuffleServer server;
  private final PluginContext plugin;
  private final ExecutorMetrics metrics;

  private ExecutorServices(ShuffleServer server, PluginContext plugin, ExecutorMetrics metrics) {
    this.server = server;
    this.plugin = plugin;
    this.metrics = metrics;
  }

  /** @param metrics this executor's figures in Spark's metrics system; null for none */
  public static void install(ShuffleServer server, PluginContext plugin, ExecutorMetrics metrics) {
    instance = new ExecutorServices(server, plugin, metrics);
  }

  public static void uninstall() {
    instance = null;
  }

  /** The services of this JVM, null when the plugin was not loaded here. */
  public static ExecutorServices getIfInstalled() {
    return instance;
  }

  /** The services of this JVM; fails with the fix when the plugin was not loaded here. */
  public static ExecutorServices get() {
    ExecutorServices s = instance;
    if (s == null) {
      throw new IllegalStateException(
          "[RTM_PLUGIN_NOT_LOADED] The real-time mode executor plugin is not running in this JVM. "
              + "Set spark.plugins=io.rtm.plugin.RealTimeModePlugin (see spark-conf/spark-defaults.conf) "
              + "and ship the plugin jar with --jars.");
    }
    return s;
  }

  public ShuffleServer server() {
    return server;
  }

  public void registerProducer(String queryRunId, int stageId, int mapIndex) throws Exception {
    plugin.ask(RegistryWire.encode(new RegisterProducer(queryRunId, stageId, mapIndex, server.host(), server.port())));
  }

  /**
   * Adds one task's epoch figures to this executor's metrics and hands them to the driver plugin
   * without waiting for an answer; a failed send is logged once per task and dropped.
   */
  public void reportEpochStats(EpochStats stats, int stageId, int partition) {
    if (metrics != null) {
      metrics.epochEnded(stats);
    }
    try {
      plugin.send(stats.encode());
    } catch (Exception | LinkageError e) {
      String key = stageId + "/" + partition;
      if (FAILED_SENDS.size() < 1000 && FAILED_SENDS.add(key)) {
        LOG.warn("Epoch figures of real-time stage {} task {} do not reach the driver", stageId, partition, e);
      }
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExecutorServices.class);
  private static final java.util.Set<String> FAILED_SENDS = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Waits until every producer of the stage registered, then returns them in map-index order. */
  public List<ProducerAddress> awaitProducers(String queryRunId, int stageId, int expected, long timeoutMs)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    long backoffMs = 5;
    while (true) {
      List<ProducerAddress> producers =
          RegistryWire.decodeProducers(plugin.ask(RegistryWire.encode(new LookupProducers(queryRunId, stageId, expected))));
      if (producers != null) {
        return producers;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "[RTM_SHUFFLE_PRODUCERS_NOT_REGISTERED] Stage " + stageId + " of real-time run "
                + queryRunId + " waited " + timeoutMs + " ms for its " + expected
                + " upstream producer tasks to start. Check that the cluster has a free slot for "
                + "every task of every stage, or raise spark.rtm.scheduling.producerWaitMs.");
      }
      // Producers start within moments of consumers; polling the driver is cheaper than a push channel.
      Thread.sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 200);
    }
  }
}
