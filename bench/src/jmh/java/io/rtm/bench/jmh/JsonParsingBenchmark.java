package io.rtm.bench.jmh;

import io.rtm.bench.query.Pipelines;
import io.rtm.compat.StringSourceJsonToStructs;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JsonToStructs;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import scala.Option;

/**
 * One benchmark event through {@code from_json}: Spark 4.2.0's expression (an InputStreamReader per
 * record) against the evaluator real-time stages use ({@link StringSourceJsonToStructs}, the record
 * as a String). Run with {@code -prof gc} to see the bytes allocated per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class JsonParsingBenchmark {
  /** The benchmark events' schema, as the queries parse it. */
  private static final StructType EVENT = Pipelines.EVENT;

  /** A ~200-byte event as the benchmark's generator writes it. */
  private static final String RECORD = "{\"event_id\":1234567,\"account_id\":\"acct-4711\",\"amount\":431.07,"
      + "\"merchant\":\"BLUE BOTTLE COFFEE\",\"ts\":\"2026-12-04T18:37:30.123Z\",\"send_ns\":1796409450123456789,"
      + "\"memo\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}";

  private JsonToStructs spark;
  private StringSourceJsonToStructs fromString;
  private InternalRow row;
  private UTF8String json;

  @Setup
  public void setUp() {
    spark = new JsonToStructs(EVENT, scala.collection.immutable.Map$.MODULE$.empty(),
        new BoundReference(0, DataTypes.StringType, true), Option.apply("UTC"), false);
    fromString = StringSourceJsonToStructs.of(spark, SQLConf.get());
    json = UTF8String.fromBytes(RECORD.getBytes(StandardCharsets.UTF_8));
    row = new GenericInternalRow(new Object[] {json});
  }

  @Benchmark
  public Object sparkReader() {
    return spark.eval(row);
  }

  @Benchmark
  public Object fromString() {
    return fromString.evaluate(json);
  }
}
