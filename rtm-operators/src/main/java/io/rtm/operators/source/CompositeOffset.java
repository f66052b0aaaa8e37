package io.rtm.operators.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.read.streaming.Offset;

/**
 * The offset of a {@link CompositeStream}: one offset per sub-source, in sub-source order. Its JSON
 * (what Spark writes to the offset log) is the array of the sub-sources' own JSON offsets, so the log
 * stays readable and each element is exactly what the sub-source would have written itself.
 */
public final class CompositeOffset extends Offset {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<Offset> offsets;

  public CompositeOffset(List<Offset> offsets) {
    this.offsets = List.copyOf(offsets);
  }

  public Offset get(int tag) {
    return offsets.get(tag);
  }

  public int size() {
    return offsets.size();
  }

  @Override
  public String json() {
    ArrayNode array = JSON.createArrayNode();
    for (Offset o : offsets) {
      try {
        array.add(JSON.readTree(o.json()));
      } catch (java.io.IOException e) {
        // A source whose offset is not JSON still round-trips, as a string.
        array.add(o.json());
      }
    }
    return array.toString();
  }

  /** The sub-sources' JSON offsets, in order, from a composite offset's JSON. */
  static List<String> parts(String json, int expected) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("Not a real-time composite source offset: " + json, e);
    }
    if (!node.isArray() || node.size() != expected) {
      throw new IllegalArgumentException("The checkpoint's offset " + json + " is not one of " + expected
          + " sources: the query's streaming sources changed since the checkpoint was written");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode part : node) {
      out.add(part.isTextual() ? part.asText() : part.toString());
    }
    return out;
  }
}
