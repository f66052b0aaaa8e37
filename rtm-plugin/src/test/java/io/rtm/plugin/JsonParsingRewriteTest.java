package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.CatalystTypeConverters$;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JsonToStructs;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The rewritten from_json against Spark's own expression on the same records: equal values, equal
 * corrupt-record handling, equal errors, interpreted and generated.
 */
class JsonParsingRewriteTest {
  private static final StructType EVENT = new StructType()
      .add("account_id", DataTypes.StringType)
      .add("amount", DataTypes.DoubleType)
      .add("n", DataTypes.LongType)
      .add("ts", DataTypes.TimestampType)
      .add("tags", new ArrayType(DataTypes.StringType, true))
      .add("inner", new StructType().add("x", DataTypes.IntegerType));

  /** Well-formed, partial, malformed and oddly encoded records, as bytes (UTF8String's form). */
  private static final List<byte[]> RECORDS = records(
      "{\"account_id\":\"a-1\",\"amount\":12.5,\"n\":3,\"ts\":\"2026-12-04T18:37:30.123Z\",\"tags\":[\"x\",\"y\"],\"inner\":{\"x\":7}}",
      "{\"account_id\":\"caf\u00e9 \ud83d\ude00\",\"amount\":1e3}",
      "{\"n\":\"not a number\",\"account_id\":\"b\"}",
      "{\"amount\":NaN,\"unknown\":{\"deep\":[1,2,3]}}",
      "{'account_id':'single quotes'}",
      "{\"account_id\":\"unterminated",
      "[{\"account_id\":\"array at top\"}]",
      "null",
      "",
      "   ",
      "{}",
      "not json at all",
      "\ufeff{\"account_id\":\"bom\"}",
      "{\"account_id\":\"a\"} trailing");

  @Test
  void structsMatchSparkInterpretedAndGenerated() {
    List<byte[]> inputs = new ArrayList<>(RECORDS);
    // Malformed UTF-8 inside a string value and at the start: the reader decodes them to U+FFFD.
    inputs.add(new byte[] {'{', '"', 'a', 'c', 'c', 'o', 'u', 'n', 't', '_', 'i', 'd', '"', ':', '"',
        (byte) 0xC3, (byte) 0x28, '"', '}'});
    inputs.add(new byte[] {(byte) 0xFF, '{', '}'});
    inputs.add(null);
    assertSameAsSpark(EVENT, Map.of(), inputs);
  }

  @Test
  void corruptRecordColumnMatchesSpark() {
    StructType withCorrupt = EVENT.add("_corrupt_record", DataTypes.StringType);
    assertSameAsSpark(withCorrupt, Map.of(), RECORDS);
    StructType renamed = EVENT.add("bad", DataTypes.StringType);
    assertSameAsSpark(renamed, Map.of("columnNameOfCorruptRecord", "bad"), RECORDS);
  }

  @Test
  void arraysAndMapsMatchSpark() {
    List<byte[]> inputs = records("[{\"x\":1},{\"x\":2}]", "{\"x\":3}", "[]", "[1,2]", "{\"a\":1,\"b\":2}",
        "{\"a\":\"x\"}", "oops");
    assertSameAsSpark(new ArrayType(new StructType().add("x", DataTypes.IntegerType), true), Map.of(), inputs);
    assertSameAsSpark(new MapType(DataTypes.StringType, DataTypes.IntegerType, true), Map.of(), inputs);
  }

  @Test
  void failFastFailsLikeSpark() {
    Map<String, String> failFast = Map.of("mode", "FAILFAST");
    byte[] malformed = "{\"account_id\":\"unterminated".getBytes(StandardCharsets.UTF_8);
    Throwable stock = catchThrowable(() -> sparkExpression(EVENT, failFast).eval(row(malformed)));
    Throwable ours = catchThrowable(() -> rewritten(EVENT, failFast).eval(row(malformed)));
    assertThat(stock).isNotNull();
    assertThat(ours).isNotNull().hasMessage(stock.getMessage()).isExactlyInstanceOf(stock.getClass());
    assertThat(ours.getCause()).isExactlyInstanceOf(stock.getCause().getClass());

    byte[] good = RECORDS.get(0);
    assertThat(scala(rewritten(EVENT, failFast).eval(row(good)), EVENT))
        .isEqualTo(scala(sparkExpression(EVENT, failFast).eval(row(good)), EVENT));
  }

  @Test
  void unsupportedModeFailsLikeSpark() {
    Map<String, String> dropMalformed = Map.of("mode", "DROPMALFORMED");
    byte[] good = RECORDS.get(0);
    Throwable stock = catchThrowable(() -> sparkExpression(EVENT, dropMalformed).eval(row(good)));
    Throwable ours = catchThrowable(() -> rewritten(EVENT, dropMalformed).eval(row(good)));
    assertThat(stock).isNotNull();
    assertThat(ours).isNotNull().hasMessage(stock.getMessage()).isExactlyInstanceOf(stock.getClass());
  }

  @Test
  void onlyStructArrayAndMapSchemasAreRewritten() {
    assertThat(JsonParsingRewrite.invocation(sparkExpression(EVENT, Map.of()), SQLConf.get()))
        .isInstanceOf(Invoke.class);
    assertThat(io.rtm.compat.StringSourceJsonToStructs.handles(sparkExpression(DataTypes.VariantType, Map.of())))
        .isFalse();
  }

  private static void assertSameAsSpark(DataType schema, Map<String, String> options, List<byte[]> inputs) {
    Expression stock = sparkExpression(schema, options);
    Expression ours = rewritten(schema, options);
    UnsafeProjection stockGenerated = UnsafeProjection.create(seq(List.of(stock)));
    UnsafeProjection oursGenerated = UnsafeProjection.create(seq(List.of(ours)));
    for (byte[] input : inputs) {
      InternalRow in = row(input);
      String what = input == null ? "null" : new String(input, StandardCharsets.UTF_8);
      Object expected = scala(stock.eval(in), schema);
      assertThat(scala(ours.eval(in), schema)).as("interpreted, record %s", what).isEqualTo(expected);
      Object generated = scala(oursGenerated.apply(in).get(0, schema), schema);
      assertThat(generated).as("generated, record %s", what)
          .isEqualTo(scala(stockGenerated.apply(in).get(0, schema), schema))
          .isEqualTo(expected);
    }
  }

  private static JsonToStructs sparkExpression(DataType schema, Map<String, String> options) {
    return new JsonToStructs(schema, scalaMap(options), new BoundReference(0, DataTypes.StringType, true),
        Option.apply("UTC"), false);
  }

  private static Expression rewritten(DataType schema, Map<String, String> options) {
    return JsonParsingRewrite.invocation(sparkExpression(schema, options), SQLConf.get());
  }

  private static InternalRow row(byte[] json) {
    return new GenericInternalRow(new Object[] {json == null ? null : UTF8String.fromBytes(json)});
  }

  private static Object scala(Object catalystValue, DataType type) {
    return CatalystTypeConverters$.MODULE$.convertToScala(catalystValue, type);
  }

  private static List<byte[]> records(String... json) {
    List<byte[]> out = new ArrayList<>();
    for (String s : json) {
      out.add(s.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static scala.collection.immutable.Seq<Expression> seq(List<Expression> expressions) {
    return CollectionConverters.asScala(expressions).toSeq();
  }

  private static scala.collection.immutable.Map<String, String> scalaMap(Map<String, String> options) {
    return scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(options));
  }
}
