package io.rtm.shuffle;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-executor endpoint of the shuffle: hosts the {@link ResultPartition}s of the map tasks
 * running in this JVM and serves them to consumers that connect over TCP. One per JVM; it shares
 * the JVM-wide event loop group and flusher with every other transport object.
 */
public final class ShuffleServer implements AutoCloseable {

  /**
   * The servers of this JVM by advertised "host:port", so that a consumer recognises a producer
   * that shares its JVM and reads it through a {@link LocalInputChannel}. A producer address is
   * only ever published by the server that owns it, so an entry here means "this very JVM".
   */
  private static final Map<String, ShuffleServer> IN_THIS_JVM = new ConcurrentHashMap<>();

  private final ShuffleTransportConf conf;
  private final PartitionRegistry registry = new PartitionRegistry();
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private final String host;
  private Channel serverChannel;
  private volatile boolean closed;

  private ShuffleServer(ShuffleTransportConf conf, String host) {
    this.conf = conf;
    this.host = host;
  }

  /**
   * Binds a server to {@code bindHost} on the configured port ({@code spark.rtm.shuffle.port}, by
   * default 0, i.e. an ephemeral port).
   *
   * @throws ShuffleException if the address cannot be bound
   */
  public static ShuffleServer start(ShuffleTransportConf conf, String bindHost) {
    Objects.requireNonNull(conf, "conf");
    Objects.requireNonNull(bindHost, "bindHost");
    ShuffleServer server = new ShuffleServer(conf, advertisedHost(bindHost));
    server.bind(bindHost);
    return server;
  }

  private void bind(String bindHost) {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(TransportResources.eventLoopGroup(conf))
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, TransportResources.waterMark(conf))
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (closed) {
                      ch.close();
                      return;
                    }
                    connections.add(ch);
                    ch.closeFuture().addListener(f -> connections.remove(ch));
                    TransportResources.configurePipeline(
                        ch, conf, new ProducerHandler(registry, conf.subscribeWaitMs(), address()));
                  }
                });
    ChannelFuture bound = bootstrap.bind(bindHost, conf.port()).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new ShuffleException(
          "Could not bind the rtm shuffle server to " + bindHost + ":" + conf.port() + ": "
              + bound.cause() + "; check " + io.rtm.config.RtmOptions.SHUFFLE_PORT.key()
              + " (0 picks a free port) and that the host name resolves to a local interface",
          bound.cause());
    }
    serverChannel = bound.channel();
    IN_THIS_JVM.put(address(), this);
  }

  /** The partitions of the server in this JVM advertised at {@code host:port}, or null. */
  static PartitionRegistry registryInThisJvm(String host, int port) {
    ShuffleServer server = IN_THIS_JVM.get(host + ":" + port);
    return server == null || server.closed ? null : server.registry;
  }

  /** The host consumers should connect to (the bind host, or this machine's address). */
  public String host() {
    return host;
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /**
   * Creates and publishes a partition. Call this before handing out the producer's address, and
   * close the partition when the task ends.
   *
   * @throws IllegalStateException if the id is already registered or the server is closed
   */
  public ResultPartition registerPartition(PartitionId id, int numSubpartitions) {
    if (closed) {
      throw new IllegalStateException("Shuffle server " + address() + " is closed");
    }
    ResultPartition[] holder = new ResultPartition[1];
    ResultPartition partition =
        new ResultPartition(
            id,
            numSubpartitions,
            conf,
            TransportResources.flusher(),
            ByteBufAllocator.DEFAULT,
            () -> registry.unregister(holder[0]));
    holder[0] = partition;
    registry.register(partition);
    return partition;
  }

  /**
   * Stops accepting connections and fails every partition still served, telling its consumers
   * why. Consumers observe this like a crash of this executor, which is what it means to them.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    IN_THIS_JVM.remove(address(), this);
    serverChannel.close().awaitUninterruptibly();
    // Failing first queues an ERROR frame on each connection's event loop ahead of the close
    // below, so consumers learn the reason instead of seeing a bare disconnect.
    registry.closeAll(
        new ShuffleException(
            "Shuffle server " + address() + " was closed while serving partitions (executor"
                + " shutting down or the map task's JVM stopping the transport)"));
    for (Channel ch : List.copyOf(connections)) {
      ch.close();
    }
    for (Channel ch : List.copyOf(connections)) {
      ch.closeFuture().awaitUninterruptibly(1000);
    }
  }

  /** For tests: open TCP connections from consumers. */
  int connectionCount() {
    return connections.size();
  }

  int partitionCount() {
    return registry.size();
  }

  String address() {
    return host + ":" + (serverChannel == null ? conf.port() : port());
  }

  @Override
  public String toString() {
    return "ShuffleServer[" + address() + "]";
  }

  private static String advertisedHost(String bindHost) {
    try {
      InetAddress address = InetAddress.getByName(bindHost);
      if (!address.isAnyLocalAddress()) {
        return bindHost;
      }
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return bindHost;
    }
  }
}
