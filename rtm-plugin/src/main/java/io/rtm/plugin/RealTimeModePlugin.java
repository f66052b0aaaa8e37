package io.rtm.plugin;

import io.rtm.operators.metrics.EpochStats;
import io.rtm.operators.registry.ExecutorServices;
import io.rtm.plugin.checkpoint.RealTimeCheckpointFileManager;
import io.rtm.operators.registry.LookupProducers;
import io.rtm.operators.registry.RegistryWire;
import io.rtm.operators.registry.ProducerRegistry;
import io.rtm.operators.registry.RegisterProducer;
import io.rtm.shuffle.ShuffleServer;
import io.rtm.shuffle.ShuffleTransportConf;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import scala.Tuple2;

/**
 * Entry point named by {@code spark.plugins}. The driver side keeps the table of shuffle producer
 * addresses; the executor side runs this JVM's shuffle server, which long-lived producer tasks
 * publish their output on. Both sides are idle unless a real-time query runs.
 */
public final class RealTimeModePlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return new Driver();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new Executor();
  }

  static final class Driver implements DriverPlugin {
    private final ProducerRegistry registry = new ProducerRegistry();
    private final EpochStatsCollector stats = new EpochStatsCollector();

    @Override
    public Map<String, String> init(SparkContext sc, PluginContext pluginContext) {
      DriverServices.install(registry, stats, new RealTimeMetrics(pluginContext.metricRegistry()));
      // Sessions created from here on read it; it only acts for real-time queries (see the class).
      pluginContext.conf().setIfMissing(RealTimeCheckpointFileManager.SPARK_KEY,
          RealTimeCheckpointFileManager.class.getName());
      return Map.of();
    }

    @Override
    public Object receive(Object message) {
      if (EpochStats.isWire(message)) {
        stats.add(EpochStats.decode((String) message));
        return null;
      }
      Object decoded = RegistryWire.decode(message);
      if (decoded instanceof RegisterProducer register) {
        registry.register(register);
        return Boolean.TRUE;
      }
      return RegistryWire.encodeProducers(registry.lookup((LookupProducers) decoded));
    }

    @Override
    public void shutdown() {
      DriverServices.uninstall();
    }
  }

  static final class Executor implements ExecutorPlugin {
    private ShuffleServer server;

    @Override
    public void init(PluginContext ctx, Map<String, String> extraConf) {
      Map<String, String> conf = new HashMap<>();
      for (Tuple2<String, String> kv : ctx.conf().getAll()) {
        conf.put(kv._1(), kv._2());
      }
      server = ShuffleServer.start(ShuffleTransportConf.fromMap(conf), advertisedHost(ctx, conf));
      // A local-mode executor shares the driver's metrics system, where the driver's source of the
      // same name already holds the query-wide figures.
      ExecutorServices.install(server, ctx,
          "driver".equals(ctx.executorID()) ? null : new io.rtm.operators.metrics.ExecutorMetrics(ctx.metricRegistry()));
      io.rtm.operators.ClassWarmup.startInBackground(conf.getOrDefault(io.rtm.config.RtmOptions.EXECUTOR_WARMUP_CLASSES.key(),
          io.rtm.config.RtmOptions.EXECUTOR_WARMUP_CLASSES.defaultValue()));
    }

    /**
     * The address consumers reach this JVM at: the one Spark advertises for it. A cluster
     * executor's block manager is registered before plugins start and carries the executor's
     * advertised host ({@code PluginContext.hostname()} fails on executors in Spark 4.2.0: their
     * RpcEnv is client-only and has no address). A local-mode executor is the driver, whose
     * address is spark.driver.host (its hostname may resolve to an interface the user did not choose).
     */
    private static String advertisedHost(PluginContext ctx, Map<String, String> conf) {
      String configured = conf.get(io.rtm.config.RtmOptions.SHUFFLE_BIND_HOST.key());
      if (configured != null && !configured.isEmpty()) {
        return configured;
      }
      if ("driver".equals(ctx.executorID())) {
        return conf.getOrDefault("spark.driver.host", "127.0.0.1");
      }
      org.apache.spark.storage.BlockManagerId id = org.apache.spark.SparkEnv.get().blockManager().blockManagerId();
      return id != null ? id.host() : ctx.hostname();
    }

    @Override
    public void shutdown() {
      ExecutorServices.uninstall();
      if (server != null) {
        server.close();
      }
    }
  }
}
