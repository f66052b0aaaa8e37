package io.rtm.operators.registry;

import io.rtm.shuffle.ProducerAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The text form of registry messages between executors and the driver plugin.
 *
 * <p>Plugin RPC replies are deserialized on the executor by a Netty thread whose class loader does
 * not see jars shipped with {@code --jars}/{@code spark.jars} (Spark 4.2.0), so a reply of a plugin
 * class fails with ClassNotFoundException. Strings are always loadable; both directions use them.
 */
public final class RegistryWire {
  private static final String REGISTER = "rtm.register";
  private static final String LOOKUP = "rtm.lookup";
  private static final String SEP = "\u0001";

  private RegistryWire() {}

  public static String encode(RegisterProducer m) {
    return String.join(SEP, REGISTER, m.queryRunId(), Integer.toString(m.stageId()), Integer.toString(m.mapIndex()),
        m.host(), Integer.toString(m.port()));
  }

  public static String encode(LookupProducers m) {
    return String.join(SEP, LOOKUP, m.queryRunId(), Integer.toString(m.stageId()), Integer.toString(m.expected()));
  }

  /** A RegisterProducer or a LookupProducers; IllegalArgumentException for anything else. */
  public static Object decode(Object wire) {
    if (!(wire instanceof String s)) {
      throw new IllegalArgumentException("Unknown real-time mode plugin message: " + wire);
    }
    String[] f = s.split(SEP, -1);
    if (f[0].equals(REGISTER) && f.length == 6) {
      return new RegisterProducer(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4], Integer.parseInt(f[5]));
    }
    if (f[0].equals(LOOKUP) && f.length == 4) {
      return new LookupProducers(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]));
    }
    throw new IllegalArgumentException("Unknown real-time mode plugin message: " + s.replace(SEP, "|"));
  }

  /** The lookup answer: every producer, or the empty string while some have not registered. */
  public static String encodeProducers(List<ProducerAddress> producers) {
    if (producers == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (ProducerAddress p : producers) {
      if (sb.length() > 0) {
        sb.append(SEP);
      }
      sb.append(p.mapIndex()).append(',').append(p.host()).append(',').append(p.port());
    }
    return sb.toString();
  }

  /** Null while the driver has not seen every producer. */
  public static List<ProducerAddress> decodeProducers(Object wire) {
    String s = (String) wire;
    if (s.isEmpty()) {
      return null;
    }
    List<ProducerAddress> out = new ArrayList<>();
    for (String p : s.split(SEP)) {
      String[] f = p.split(",");
      out.add(new ProducerAddress(Integer.parseInt(f[0]), f[1], Integer.parseInt(f[2])));
    }
    return out;
  }
}
